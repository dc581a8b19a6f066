"""Questions while the keyword index points at chunks an ingest has just deleted."""

from __future__ import annotations

import time

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.settings import Settings
from careerbot.store.schema import SLUG

INDIA = "ai-ml-engineer-jobs-india-2026"


def test_deleted_chunks_in_the_keyword_index_are_skipped(
    settings: Settings, embedder: Embedder
) -> None:
    # bm25 mode: every candidate comes from the keyword index, as after an ingest's sweep in a
    # reader whose dense side still finds other chunks.
    bot = CareerBot(settings.model_copy(update={"retrieval_mode": "bm25"}), embedder=embedder)
    assert bot.lexical is not None
    bot.lexical.warm()
    gone = sorted(bot.store.ids({SLUG: INDIA}))
    assert gone
    bot.store.delete(gone)  # what an ingest's sweep does before its new stamp
    assert bot.store.hits(gone, embedder.encode(["IndiaAI"])[0]) == []
    found = bot.retrieve("IndiaAI mission", k=5)
    assert all(p.slug != INDIA for p in found)
    assert bot.ask("What is the IndiaAI mission?").text


def test_a_keyword_index_saved_before_a_killed_ingest_is_not_loaded(
    settings: Settings, embedder: Embedder
) -> None:
    # An ingest killed after its deletes but before its new stamp leaves the saved index's
    # stamp current: the chunk count tells it is out of step, and a restart rebuilds it.
    bot = CareerBot(settings, embedder=embedder)
    assert bot.lexical is not None and bot.lexical.in_step
    gone = sorted(bot.store.ids({SLUG: INDIA}))
    bot.store.delete(gone)
    restarted = CareerBot(settings, embedder=embedder, build_if_missing=False)
    assert restarted.lexical is not None
    found = restarted.lexical.scores("IndiaAI mission")
    assert restarted.lexical.in_step
    assert not set(found.ids) & set(gone)
    # The first process notices too (the count is checked once a second), and rebuilds
    # behind the old index.
    time.sleep(1.1)
    bot.lexical.scores("IndiaAI mission")
    bot.lexical.wait(60)
    assert bot.lexical.in_step and not set(bot.lexical.scores("IndiaAI").ids) & set(gone)
