"""Suggested questions (with a refusal, and under an answer) read as questions, whatever the
headings look like."""

from __future__ import annotations

import pytest

from careerbot.answering.refusal import suggestions
from careerbot.bot import CareerBot
from careerbot.types import Passage


def _section(heading: str) -> Passage:
    return Passage(text="…", title="Guide", section=heading, url="", score=0.5)


@pytest.mark.parametrize(
    ("heading", "question"),
    [
        ("How pay and demand differ", "What do the articles say about how pay and demand differ?"),
        (
            "Where the AI pay premium comes from",
            "What do the articles say about where the AI pay premium comes from?",
        ),
        (
            "How to judge salary surveys and job postings",
            "How do I judge salary surveys and job postings?",
        ),
        ("Which role pays more", "Which role pays more?"),
        ("Is a degree still required?", "Is a degree still required?"),
        (
            "Skills Indian employers screen for",
            "What do the articles say about skills Indian employers screen for?",
        ),
        (
            "AI engineer pay outside the United States",
            "What do the articles say about AI engineer pay outside the United States?",
        ),
    ],
)
def test_a_heading_becomes_a_question(heading: str, question: str) -> None:
    assert suggestions([_section(heading)]) == (question,)


def test_introductions_and_navigation_are_not_suggested() -> None:
    found = suggestions(
        [
            _section(h)
            for h in ("Introduction", "Sources", "Continue your decision path", "The ranking")
        ]
    )
    assert found == ("What do the articles say about the ranking?",)


def test_every_heading_of_the_corpus_gives_a_question(shared_bot: CareerBot) -> None:
    """Our headings are mostly indirect clauses ("How pay and demand differ"): only those
    that ask directly are kept as they are; none is left a bare clause with a "?"."""
    ids, _ = shared_bot.store.all_texts()
    headings = {str(meta["section"]) for _, _, meta in shared_bot.store.documents(ids)}
    asked = {q for heading in headings for q in suggestions([_section(heading)])}
    direct = {q for q in asked if not q.startswith("What do the articles say about ")}
    assert len(asked) == len(headings - {"Introduction", "Sources"}) - sum(
        h.startswith("Continue") for h in headings
    )
    assert direct == {
        "Who is hiring AI and ML engineers in India?",
        "How do I judge salary surveys and job postings?",
        "How do I evaluate AI job offers in India?",
    }
    assert "What do the articles say about how pay and demand differ?" in asked


def test_an_answer_offers_follow_ups_from_the_sections_beside_the_cited_ones(
    shared_bot: CareerBot,
) -> None:
    answer = shared_bot.ask("Is a cloud certification worth getting?")
    assert not answer.refused and 2 <= len(answer.suggestions) <= 3
    cited = {c.section for c in answer.citations}
    uncited = [p.section for p in answer.passages if p.section not in cited]
    assert all(s.endswith("?") for s in answer.suggestions)
    # Each one asks about a section retrieved but not cited, never one the answer quoted.
    for s in answer.suggestions:
        assert any(h.lower().rstrip("?") in s.lower() for h in uncited), s
        assert not any(h.lower() in s.lower() for h in cited), s
    assert answer.to_dict()["suggestions"] == list(answer.suggestions)
