from __future__ import annotations

import numpy as np
import pytest

from careerbot.bot import CareerBot
from careerbot.embedding.vector_cache import VectorCache
from careerbot.retrieval.headings import HEADING_DISCOUNT, HeadingVectors
from careerbot.retrieval.hybrid import Retriever

SKILLS = ("ai-engineer-salary-2026", "Skills to learn next for a higher AI salary")


def _retriever(bot: CareerBot, *, heading_match: bool, mode: str = "hybrid") -> Retriever:
    settings = bot.settings.model_copy(
        update={"heading_match": heading_match, "retrieval_mode": mode}
    )
    return Retriever(settings, bot.store, bot.embedder, bot.lexical)


@pytest.mark.parametrize(
    "question",
    [
        "which skills should i pick up to earn more as an ai engineer",
        "skills for a bigger ai paycheck?",
    ],
)
def test_a_question_that_matches_a_heading_finds_its_section(
    shared_bot: CareerBot, question: str
) -> None:
    """The section's body lists model serving, pipelines, evaluation…; only its heading says
    "skills" and "higher AI salary". Without the heading it ranks 5th or lower, with it first."""
    plain = [
        (p.slug, p.section) for p in _retriever(shared_bot, heading_match=False).search(question, 5)
    ]
    found = [
        (p.slug, p.section) for p in _retriever(shared_bot, heading_match=True).search(question, 5)
    ]
    assert SKILLS not in plain[:3]
    assert found[0] == SKILLS


def test_the_heading_moves_the_score_not_the_similarity(shared_bot: CareerBot) -> None:
    question = "which skills should i pick up to earn more as an ai engineer"
    top = _retriever(shared_bot, heading_match=True).search(question, 5)[0]
    vector = shared_bot.embedder.encode([question])[0]
    assert top.similarity is not None
    # The refusal thresholds read the text's own cosine, calibrated without headings.
    assert top.score > top.similarity + 1e-3
    heads = HeadingVectors(shared_bot.store, shared_bot.embedder)
    hits = shared_bot.store.query(vector, 37, contents=False)
    sims = heads.similarities(hits, vector)
    docs = shared_bot.store.documents([h.id for h in hits])
    skills = [i for i, _, meta in docs if (meta["slug"], meta["section"]) == SKILLS]
    assert skills and sims[skills[0]] - HEADING_DISCOUNT > top.similarity


def test_headings_are_read_once_per_generation(shared_bot: CareerBot) -> None:
    heads = HeadingVectors(shared_bot.store, shared_bot.embedder)
    vector = shared_bot.embedder.encode(["what is a GCC"])[0]
    hits = shared_bot.store.query(vector, 5, contents=False)
    first = heads.similarities(hits, vector)
    calls = []
    original = shared_bot.store.documents
    try:
        shared_bot.store.documents = lambda ids: calls.append(ids) or original(ids)  # type: ignore[method-assign]
        assert heads.similarities(hits, vector) == first
    finally:
        del shared_bot.store.documents
    assert calls == []
    assert len(first) == 5 and all(-1.0 <= s <= 1.0 for s in first.values())


def test_bm25_mode_ignores_headings(shared_bot: CareerBot) -> None:
    question = "skills for a bigger ai paycheck?"
    on = _retriever(shared_bot, heading_match=True, mode="bm25").search(question, 5)
    off = _retriever(shared_bot, heading_match=False, mode="bm25").search(question, 5)
    assert [(p.chunk_id, p.score) for p in on] == [(p.chunk_id, p.score) for p in off]


def test_heading_vectors_come_from_the_given_cache(shared_bot: CareerBot) -> None:
    """The bot hands the answerer's warmed cache over, so headings are embedded once, there."""
    encoded: list[list[str]] = []

    class Counting:
        dimension = shared_bot.embedder.dimension

        def encode(self, texts: list[str]) -> np.ndarray:
            encoded.append(list(texts))
            return shared_bot.embedder.encode(texts)

    cache = VectorCache(Counting())  # type: ignore[arg-type]
    heads = HeadingVectors(shared_bot.store, shared_bot.embedder)
    heads.vectors = cache
    vector = shared_bot.embedder.encode(["which cloud cert should i get"])[0]
    hits = shared_bot.store.query(vector, 5, contents=False)
    first = heads.similarities(hits, vector)
    docs = shared_bot.store.documents([h.id for h in hits])
    assert docs and all(str(meta["section"]) in cache for _, _, meta in docs)
    assert len(encoded) == 1  # one batch, through the cache given
    assert heads.similarities(hits, vector) == first
    assert len(encoded) == 1  # nothing embedded again
