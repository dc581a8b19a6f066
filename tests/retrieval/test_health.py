"""The health check's verdict when a search finds nothing: repair, or wait for an ingest."""

from __future__ import annotations

import pytest

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.errors import IndexStateError
from careerbot.retrieval.health import HealthCheck
from careerbot.retrieval.hybrid import Retriever
from careerbot.settings import Settings
from careerbot.store.writer_lock import ingest_lock


def test_a_search_finding_nothing_means_repair_unless_an_ingest_is_replacing_chunks(
    settings: Settings, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = CareerBot(settings, embedder=embedder)
    retriever = Retriever(settings, bot.store, embedder, bot.lexical)
    assert HealthCheck(retriever).check()["status"] == "ok"
    # What a reader's view sees while another process's ingest deletes the old versions of
    # the winners (the real case is tests/ingest/test_faults.py's kill -9 test).
    monkeypatch.setattr(retriever, "search_vector", lambda *args, **kwargs: [])
    with pytest.raises(IndexStateError, match="careerbot ingest"):
        HealthCheck(retriever, cache_seconds=0).check()
    waiting = pytest.raises(IndexStateError, match="Ask again in a few seconds")
    with ingest_lock(settings.data_dir), waiting as caught:
        HealthCheck(retriever, cache_seconds=0).check()
    assert "careerbot ingest" not in str(caught.value)
