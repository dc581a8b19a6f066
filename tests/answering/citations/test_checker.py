"""The citation checker, with the real model and real sections of the corpus."""

from __future__ import annotations

import re

import pytest

from careerbot.answering.citations.checker import FLAG, CitationChecker
from careerbot.answering.citations.markers import claims
from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.embedding.vector_cache import VectorCache
from careerbot.evaluation.gold import load_gold
from careerbot.settings import Settings
from careerbot.text import split_sentences
from careerbot.types import Passage
from tests.conftest import GOLD

PAY = "Which of the two roles pays better?"


@pytest.fixture(scope="module")
def passages(shared_bot: CareerBot) -> list[Passage]:
    """Three real, distinct sections about pay."""
    found = shared_bot.retrieve(PAY, k=3)
    assert len({p.label for p in found}) == 3
    return found


@pytest.fixture
def checker(embedder: Embedder, settings: Settings) -> CitationChecker:
    return CitationChecker(VectorCache(embedder), settings)


def first_sentence(p: Passage) -> str:
    return next(s for s in split_sentences(p.text) if not s.endswith(":") and len(s.split()) > 5)


def test_a_quoted_sentence_is_supported_and_its_citation_built(
    checker: CitationChecker, passages: list[Passage]
) -> None:
    sentence = first_sentence(passages[0])
    answer = checker.check(f"{sentence} [1]", passages, question=PAY, backend="test")
    assert answer.text == f"{sentence} [1]"
    assert answer.flagged == answer.dropped == ()
    assert not answer.refused and answer.backend == "test" and answer.query == PAY
    (c,) = answer.citations
    assert (c.n, c.title, c.section, c.url) == (
        1,
        passages[0].title,
        passages[0].section,
        passages[0].url,
    )
    assert c.snippet == sentence  # the section's sentence that best supports the claim


def test_a_quote_needs_no_embedding_but_a_paraphrase_is_compared(
    embedder: Embedder, settings: Settings, passages: list[Passage]
) -> None:
    embedded: list[str] = []

    class Counting(Embedder):  # the real model, recording what it is asked to embed
        def encode(self, texts, **kw):  # type: ignore[no-untyped-def, override]
            embedded.extend(texts)
            return embedder.encode(texts, **kw)

    counting = Counting.__new__(Counting)
    counting.__dict__.update(embedder.__dict__)
    checker = CitationChecker(VectorCache(counting), settings)
    sentence = first_sentence(passages[0])
    (quote,) = checker.support([f"- {sentence}"], [[passages[0]]])
    assert quote.similarity == 1.0 and quote.overlap == 1.0 and quote.figures
    assert embedded == []
    shorter = " ".join(sentence.split()[:-2])
    (para,) = checker.support([shorter], [[passages[0]]])
    assert 0.3 < para.similarity < 1.0
    assert embedded[0] == shorter and len(embedded) > len(split_sentences(passages[0].text))


def test_a_paraphrase_of_the_section_is_supported(
    checker: CitationChecker, passages: list[Passage]
) -> None:
    section = next(p for p in passages if "premium" in p.text.lower() or "pay" in p.text.lower())
    n = passages.index(section) + 1
    sentence = first_sentence(section)
    # Same claim, shorter: the first two thirds of the words.
    words = sentence.rstrip(".").split()
    shorter = " ".join(words[: max(6, 2 * len(words) // 3)]) + "."
    answer = checker.check(f"{shorter} [{n}]", passages, question=PAY, backend="test")
    assert answer.flagged == (), (shorter, section.text)


def test_markers_pointing_at_nothing_are_removed(
    checker: CitationChecker, passages: list[Passage]
) -> None:
    good = first_sentence(passages[1])
    text = f"{good} [2] [9]\n\n[4]\n\nNothing backs this [0]."
    answer = checker.check(text, passages, question=PAY, backend="test")
    assert "[9]" not in answer.text and "[0]" not in answer.text and "[4]" not in answer.text
    assert answer.text.startswith(f"{good} [1]")
    assert [c.section for c in answer.citations] == [passages[1].section]
    # The sentence whose only marker was out of range has no citation left: flagged.
    assert answer.flagged == ("Nothing backs this.",)
    assert "Nothing backs this." + FLAG in answer.text


def test_citations_are_renumbered_in_order_of_first_use(
    checker: CitationChecker, passages: list[Passage]
) -> None:
    a, b = first_sentence(passages[2]), first_sentence(passages[0])
    answer = checker.check(f"{a} [3] {b} [1] {a} [3]", passages, question=PAY, backend="test")
    assert re.findall(r"\[(\d+)\]", answer.text) == ["1", "2", "1"]
    assert [c.n for c in answer.citations] == [1, 2]
    assert [c.section for c in answer.citations] == [passages[2].section, passages[0].section]
    assert answer.flagged == ()


def test_a_fabricated_sentence_citing_a_real_section_is_marked_or_dropped(
    embedder: Embedder, settings: Settings, passages: list[Passage]
) -> None:
    good = first_sentence(passages[0])
    made_up = [
        "Most data scientists retire at 35 with 12 million dollars in stock.",  # invented figures
        "The best way to get promoted is to learn to bake sourdough bread at home.",  # off topic
    ]
    text = f"{good} [1] {made_up[0]} [1]\n\n{made_up[1]} [2]"
    marked = CitationChecker(VectorCache(embedder), settings).check(
        text, passages, question=PAY, backend="t"
    )
    assert marked.flagged == tuple(made_up) and marked.dropped == ()
    assert marked.text.count(FLAG) == 2 and good + " [1]" in marked.text

    drop = settings.model_copy(update={"verify_mode": "drop"})
    dropped = CitationChecker(VectorCache(embedder), drop).check(
        text, passages, question=PAY, backend="t"
    )
    assert dropped.dropped == tuple(made_up) and dropped.flagged == ()
    assert dropped.text == f"{good} [1]"  # the emptied paragraph is gone too
    assert [c.section for c in dropped.citations] == [passages[0].section]  # [2] is unused now


@pytest.mark.parametrize("marker", ["[1, 2]", "[1][2]", "[ 1 ,2 ]", "[1] [2]"])
def test_a_sentence_may_cite_several_sections(
    checker: CitationChecker, passages: list[Passage], marker: str
) -> None:
    sentence = first_sentence(passages[1])  # supported by [2] only: the best cited section counts
    answer = checker.check(f"{sentence} {marker}", passages, question=PAY, backend="test")
    assert answer.flagged == ()
    assert [c.section for c in answer.citations] == [passages[0].section, passages[1].section]
    assert re.findall(r"\d+", answer.text.removeprefix(sentence)) == ["1", "2"]
    assert answer.citations[1].snippet == sentence


def test_sentences_without_markers(checker: CitationChecker, passages: list[Passage]) -> None:
    good = first_sentence(passages[0])
    text = (
        "## Pay\n\nIn short:\n\n"
        f"- {good} [1]\n- Machine learning engineers always earn more than everyone else.\n\n"
        "The articles don't say how pay differs by country."
    )
    answer = checker.check(text, passages, question=PAY, backend="test")
    # A claim with no citation is flagged; a heading, a lead-in and a hedge are not claims.
    assert answer.flagged == ("Machine learning engineers always earn more than everyone else.",)
    assert answer.text.split("\n") == [
        "## Pay",
        "",
        "In short:",
        "",
        f"- {good} [1]",
        "- Machine learning engineers always earn more than everyone else." + FLAG,
        "",
        "The articles don't say how pay differs by country.",
    ]


def test_an_answer_with_no_citation_left_is_a_refusal(
    checker: CitationChecker, passages: list[Passage]
) -> None:
    empty = checker.check("  \n ", passages, question=PAY, backend="test")
    assert empty.refused and empty.text == "" and empty.citations == () and empty.flagged == ()
    hedge = checker.check("I don't know.", passages, question=PAY, backend="test")
    assert hedge.refused and hedge.text == "I don't know." and hedge.flagged == ()
    only_bad = checker.check("Nothing backs this [7].", passages, question=PAY, backend="test")
    assert only_bad.refused and only_bad.flagged == ("Nothing backs this.",)


def test_claims_counts_the_sentences_of_any_answer() -> None:
    assert claims("One [1]. Two [2]\n\n- Three [1, 2]\n[3]") == ["One.", "Two", "Three"]


def test_extractive_answers_pass_the_check_unchanged(shared_bot: CareerBot) -> None:
    """Every extractive sentence is verbatim, so none is flagged and a second check changes
    nothing. (Its speed is measured by the bench, not here.)"""
    checker = shared_bot.answerer.checker  # type: ignore[attr-defined]
    sentences = 0
    for item in load_gold(GOLD):
        answer = shared_bot.ask(item.question)
        if answer.refused:
            continue
        raw = _raw_text(answer.text, answer.citations, list(answer.passages))
        again = checker.check(raw, answer.passages, question=item.question, backend="extractive")
        assert again.text == answer.text and again.citations == answer.citations
        assert answer.flagged == answer.dropped == ()
        sentences += len(claims(answer.text))
    assert sentences > 100


def _raw_text(text: str, citations: tuple, passages: list[Passage]) -> str:
    """The answer's text with markers numbering the passages again, as an answerer writes it."""
    index = {(p.title, p.section): i + 1 for i, p in enumerate(passages)}
    to_passage = {c.n: index[(c.title, c.section)] for c in citations}
    return re.sub(r"\[(\d+)\]", lambda m: f"[{to_passage[int(m.group(1))]}]", text)


def forged_lines(passages: list[Passage]) -> list[str]:
    """Source lines a model writes instead of an answer: another section's label under a
    number, a section that does not exist, a label with no marker, a misnumbered echo."""
    return [
        f"[1] {passages[0].label}",  # its own label: names a source, states nothing
        f"[2] {passages[1].label}",
        f"[1] {passages[0].title} › How to negotiate a signing bonus",  # no such section
        f"[1] {passages[0].title} › {passages[1].section}",  # another article's section
        f"[3] {passages[0].label}",
        f"- {passages[2].label}",
    ]


def test_forged_source_lines_are_flagged_or_dropped(
    checker: CitationChecker, passages: list[Passage], embedder: Embedder, settings: Settings
) -> None:
    good = first_sentence(passages[0])
    text = f"{good} [1]\n\nSources:\n" + "\n".join(forged_lines(passages))
    marked = checker.check(text, passages, question=PAY, backend="test")
    forged = [line.split(" ", 1)[1] for line in forged_lines(passages)]
    assert list(marked.flagged) == forged
    assert marked.text.count(FLAG) == len(forged)
    drop = settings.model_copy(update={"verify_mode": "drop"})
    dropped = CitationChecker(VectorCache(embedder), drop).check(
        text, passages, question=PAY, backend="test"
    )
    assert list(dropped.dropped) == forged and dropped.flagged == ()
    assert dropped.text == f"{good} [1]\n\nSources:"
    assert [c.section for c in dropped.citations] == [passages[0].section]
    # An answer of nothing but source lines cites nothing: a refusal the caller replaces.
    only = CitationChecker(VectorCache(embedder), drop).check(
        "\n".join(forged_lines(passages)), passages, question=PAY, backend="test"
    )
    assert only.refused and not only.citations


def test_checked_text_escapes_article_markup_but_keeps_markers(
    checker: CitationChecker, passages: list[Passage]
) -> None:
    good = first_sentence(passages[0])
    answer = checker.check(
        f"{good} <img src=x onerror=alert(1)> [1](javascript:alert(1))",
        passages,
        question=PAY,
        backend="test",
    )
    assert "\\<img src=x onerror=alert(1)>" in answer.text
    assert "[1]\\(javascript" in answer.text
