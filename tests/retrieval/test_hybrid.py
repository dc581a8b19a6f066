from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.evaluation.gold import load_gold
from careerbot.links import section_url
from careerbot.retrieval.hybrid import Retriever, mmr
from careerbot.settings import Settings
from careerbot.store.chroma import Hit
from careerbot.store.schema import where_filter
from tests.conftest import CORPUS, GOLD

MAIN = "ml-engineer-vs-data-scientist-2026"


def hit_rates(bot: CareerBot, questions: list[dict[str, str]], k: int) -> dict[str, float]:
    hits: dict[str, list[bool]] = defaultdict(list)
    for q in questions:
        got = {(p.slug, p.section) for p in bot.retrieve(q["question"], k=k)}
        hits[q["slug"]].append((q["slug"], q["section"]) in got)
    rates = {slug: sum(h) / len(h) for slug, h in hits.items()}
    rates["all"] = sum(sum(h) for h in hits.values()) / sum(len(h) for h in hits.values())
    return rates


def test_paraphrases_hit_their_section_in_the_top_3(
    shared_bot: CareerBot, section_questions: list[dict[str, str]]
) -> None:
    rates = hit_rates(shared_bot, section_questions, k=3)
    print("section hit rate @3:", rates)
    assert rates["all"] >= 0.9
    assert rates[MAIN] >= 0.9


def test_every_section_is_reachable(
    shared_bot: CareerBot, section_questions: list[dict[str, str]]
) -> None:
    """Each section has at least one of its questions landing in the top 3."""
    missed = set()
    by_section: dict[tuple[str, str], list[str]] = defaultdict(list)
    for q in section_questions:
        by_section[(q["slug"], q["section"])].append(q["question"])
    for key, questions in by_section.items():
        if not any(
            (p.slug, p.section) == key for q in questions for p in shared_bot.retrieve(q, k=3)
        ):
            missed.add(key)
    assert len(by_section) == 37
    assert not missed


def test_passages_are_best_first_one_per_section(shared_bot: CareerBot) -> None:
    passages = shared_bot.retrieve("Which cloud certification should I pick first?", k=5)
    assert len(passages) == 5
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    assert len({(p.slug, p.anchor) for p in passages}) == 5
    top = passages[0]
    assert top.slug == "cloud-certifications-worth-it-2026"
    # Outside the web app links are absolute: the canonical article when no app_url is set.
    assert top.url == f"https://careers.example.com/articles/{top.slug}#{top.anchor}"


def test_links_can_point_at_the_canonical_site() -> None:
    settings = Settings(link_mode="canonical")
    url = section_url(settings, slug="s", anchor="a", canonical_url="https://x.example/s")
    assert url == "https://x.example/s#a"
    app = Settings(app_url="https://bot.example.com/")
    assert (
        section_url(app, slug="s", anchor="a", canonical_url="")
        == "https://bot.example.com/articles/s#a"
    )


def test_langchain_retriever_over_the_same_index(shared_bot: CareerBot) -> None:
    retriever = shared_bot.retriever
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("How is AI changing entry-level developer jobs?")
    assert docs and all(isinstance(d, Document) for d in docs)
    direct = shared_bot.retrieve("How is AI changing entry-level developer jobs?")
    assert [d.metadata["section"] for d in docs] == [p.section for p in direct]
    assert (
        docs[0]
        .metadata["url"]
        .startswith("https://careers.example.com/articles/junior-developer-gap-2026#")
    )


def test_hybrid_ranks_by_cosine_plus_a_keyword_bonus(shared_bot: CareerBot) -> None:
    passages = shared_bot.retrieve("What is the IndiaAI mission?", k=5)
    assert passages[0].slug == "ai-ml-engineer-jobs-india-2026"
    for p in passages:
        assert p.similarity is not None and p.score >= p.similarity - 1e-6
        assert p.score - p.similarity <= shared_bot.settings.hybrid_weight + 1e-6


@pytest.mark.parametrize("mode", ["dense", "bm25"])
def test_single_modes_still_work(mode: str, tmp_path: Path, embedder: Embedder) -> None:
    settings = Settings(data_dir=tmp_path / "d", retrieval_mode=mode)  # type: ignore[arg-type]
    bot = CareerBot(settings, embedder=embedder)
    passages = bot.retrieve("Which cloud certification should I pick first?", k=5)
    assert len(passages) == 5 and passages[0].slug == "cloud-certifications-worth-it-2026"
    if mode == "dense":
        assert all(p.score == p.similarity for p in passages)


@pytest.mark.slow  # several seconds: a throwaway index, a subprocess or a kernel
def test_hybrid_beats_dense_on_recall_at_5(
    shared_bot: CareerBot, embedder: Embedder, tmp_path: Path
) -> None:
    """The reason hybrid is the default (README, "Retrieval quality"): measured, not assumed."""
    from careerbot.evaluation.cloze import evaluate_cloze

    dense = CareerBot(
        shared_bot.settings.model_copy(update={"retrieval_mode": "dense"}),
        embedder=embedder,
        build_if_missing=False,
    )
    gold = [i for i in load_gold(GOLD) if i.answerable]

    def recall5(bot: CareerBot) -> int:
        return sum(
            (i.slug, i.section) in {(p.slug, p.section) for p in bot.retrieve(i.question, k=5)}
            for i in gold
        )

    assert recall5(shared_bot) > recall5(dense)
    cloze = {
        mode: evaluate_cloze(CORPUS, embedder, Settings(retrieval_mode=mode))["recall_at_5"]  # type: ignore[arg-type]
        for mode in ("dense", "hybrid")
    }
    assert cloze["hybrid"] > cloze["dense"], cloze


def _hit(name: str, score: float, vector: list[float]) -> tuple[Hit, float]:
    vec = np.asarray(vector, dtype=np.float32)
    return Hit(name, "", {}, score, vec / np.linalg.norm(vec)), score


def test_mmr_trades_a_little_relevance_for_a_different_section() -> None:
    ranked = [_hit("a", 0.9, [1, 0]), _hit("a-twin", 0.88, [1, 0.01]), _hit("b", 0.8, [0, 1])]
    assert [h.id for h, _ in mmr(ranked, 3, 1.0)] == ["a", "a-twin", "b"]
    assert [h.id for h, _ in mmr(ranked, 3, 0.5)] == ["a", "b", "a-twin"]


def test_mmr_setting_reorders_the_real_results(shared_bot: CareerBot, embedder: Embedder) -> None:
    question = "What do ML engineers earn?"
    plain = shared_bot.retrieve(question, k=5)
    diverse = CareerBot(
        shared_bot.settings.model_copy(update={"mmr_lambda": 0.3}),
        embedder=embedder,
        build_if_missing=False,
    ).retrieve(question, k=5)
    assert diverse[0] == plain[0]
    assert [p.chunk_id for p in diverse] != [p.chunk_id for p in plain]


@pytest.mark.parametrize("mode", ["bm25", "hybrid", "dense"])
def test_a_filter_holds_on_the_keyword_side_too(shared_bot: CareerBot, mode: str) -> None:
    settings = shared_bot.settings.model_copy(update={"retrieval_mode": mode})
    retriever = Retriever(settings, shared_bot.store, shared_bot.embedder, shared_bot.lexical)
    # "IndiaAI" is a keyword of one article only; filtered to another, BM25 must not bring it.
    free = retriever.search("What is the IndiaAI mission?", 5)
    assert free[0].slug == "ai-ml-engineer-jobs-india-2026"
    where = where_filter(article="cloud-certifications-worth-it-2026")
    found = retriever.search("What is the IndiaAI mission?", 5, where=where)
    assert {p.slug for p in found} == {"cloud-certifications-worth-it-2026"}
    if mode == "bm25":  # no chunk of that article has the word: nothing, not another article
        assert retriever.search("IndiaAI", 3, where=where) == []
