from __future__ import annotations

from collections import defaultdict

from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from careerbot.bot import CareerBot
from careerbot.retrieval import section_url
from careerbot.settings import Settings

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
    assert top.url == f"/articles/{top.slug}#{top.anchor}"


def test_links_can_point_at_the_canonical_site() -> None:
    settings = Settings(link_mode="canonical")
    url = section_url(settings, slug="s", anchor="a", canonical_url="https://x.example/s")
    assert url == "https://x.example/s#a"
    app = Settings(app_url="https://bot.example.com/")
    assert section_url(app, slug="s", anchor="a", canonical_url="") == "https://bot.example.com/articles/s#a"


def test_langchain_retriever_over_the_same_index(shared_bot: CareerBot) -> None:
    retriever = shared_bot.retriever
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("How is AI changing entry-level developer jobs?")
    assert docs and all(isinstance(d, Document) for d in docs)
    direct = shared_bot.retrieve("How is AI changing entry-level developer jobs?")
    assert [d.metadata["section"] for d in docs] == [p.section for p in direct]
    assert docs[0].metadata["url"].startswith("/articles/junior-developer-gap-2026#")
