"""Sentences that stand alone, and what kind of sentence a question asks for.

An extractive answer quotes sentences out of their paragraphs, so each quote must still mean
what it meant there:

- a sentence that leans on the one before it ("That is a strong reason…", "Neither hands out
  jobs…", "Those tasks were…") brings that sentence along;
- a list item brings its lead-in ("Certifications are not worth it when:"), which can flip its
  meaning.

A question's type says which sentence should lead: a figure for "how much", a directive for
"which should I choose", steps for "how do I".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from careerbot.text import ABBREVIATIONS, split_line

_DEPENDENT = re.compile(
    r"^(?:this|that|these|those|it|its|they|their|them|neither|both|either|such|so|but|"
    r"however|then|also|even|still|yet|instead|otherwise|here|there|which|we call this|"
    r"the same|in short|as a result|for that reason)\b",
    re.IGNORECASE,
)
# A demonstrative a few words in ("Check those pages…", "People with that title…") points
# back as surely as one at the start; "those who…" and a relative "that" ("surveys that
# report") do not.
_POINTS_BACK = re.compile(
    r"^(?:[\w'-]+\s+){1,3}(?:(?:those|these)\s+(?!who\b|which\b|that\b|are\b|were\b|is\b)"
    r"|(?:with|of|for|on|about|from|by)\s+that\s+(?!is\b|was\b))[a-z]",
    re.IGNORECASE,
)
_FIGURE = re.compile(r"[$€£₹]\s?\d|\d+(?:[.,]\d+)?\s?(?:%|percent|k\b)|\b\d{2,3},\d{3}\b")
_DIRECTIVE = re.compile(
    r"\b(?:choose|pick|start with|go for|bias toward|should|prefer|we recommend|the answer)\b",
    re.IGNORECASE,
)
_STEP = re.compile(r"^(?:-\s+)?(?:[A-Z][a-z]+(?: [a-z]+)?):\s|^-\s", re.UNICODE)
_HOW_MUCH = re.compile(
    r"\b(?:salary|salaries|pay|paid|pays|earn|earns|make|median|wages?|figure|number|percent|"
    r"cost|costs|price|fee|fees|money|how many|how fast|growth|grow)\b|"
    r"\bhow much\b(?!\s+(?:\w+\s+){0,3}(?:trust|matter|matters|help|helps|care|rely|worry|"
    r"weight|believe|count|counts)\b)",
    re.IGNORECASE,
)
_WHICH = re.compile(r"\b(?:which|should i|pick|choose|better|vs\.?|versus|or)\b", re.IGNORECASE)
# "X vs Y: what's the difference?" compares; it asks for what each is, not for a choice.
_DIFFERENCE = re.compile(
    r"\b(?:differen\w*|diff|diffren\w*|differ|compare[sd]?|comparison|"
    r"same (?:job|thing|role)|alike|similar)\b",
    re.IGNORECASE,
)
_CHOICE = re.compile(r"\b(?:which|should i|pick|choose|better)\b", re.IGNORECASE)
_HOW_DO = re.compile(
    r"\b(?:how (?:do|can|should) i|steps?|what should i (?:do|learn|build)|"
    r"(?:in )?(?:what|which) order|where (?:do|should) i start|roadmap)\b",
    re.I,
)
_ABOUT_ME = re.compile(r"^\s*(?:i'?m|i am|i was|i have|i've|my|we|our)\b", re.I)
_QUESTION_WORD = (
    r"(?:what|whats|what's|which|who|whose|where|when|why|how|is|are|am|was|were|do|does|did|"
    r"can|could|should|would|will|shall|may|might|must|has|have|tell|explain|give|show|compare)"
)
_ASKS = re.compile(rf"^\W*(?:{_QUESTION_WORD}|any|help|ok so|so|and|but)\b", re.IGNORECASE)
# Where a question splits into parts: "?", ";", "vs", and an "and" that starts another
# question ("…the pay, and which skills?"), not one joining two things ("serving and
# evaluation", "ML engineer and data scientist").
_PART_BREAK = re.compile(
    rf"\?|;|\band\b(?=\s+{_QUESTION_WORD}\b)|\bvs\b\.?|\bversus\b", re.IGNORECASE
)
_GUIDE_TALK = re.compile(
    r"\b(?:this (?:guide|article|piece)|here is how|the honest answer)\b", re.IGNORECASE
)
# A sentence whose main clause sends the reader to another article ("For India, see …", "If
# you want a credential alongside it, read whether …"), not one that only adds a reference
# after its own point ("…maps onto the local market; see …").
_POINTER = re.compile(r"(?:^(?:- )?|,\s+)(?:see|read)\b", re.IGNORECASE)
_ABOUT_ARTICLE = re.compile(r"\b(?:article|guide|overview|summary|summar|this piece)\b", re.I)
# A reader quoting an article ("the india article says freshers make 12 lpa") asks about the
# claim, not the article.
_QUOTING = re.compile(
    r"\b(?:article|guide|piece|post)\s+(?:says|said|claims|claimed|mentions|mentioned|states|"
    r"stated|quotes|recommends|suggests|told|tells)\b",
    re.IGNORECASE,
)


ABBREVIATIONS_LOWER = tuple(a.lower() for a in ABBREVIATIONS)
OPENER_WORDS = 4
"""A prose sentence this short is an opener: it is quoted with the sentence after it."""


@dataclass(frozen=True)
class Unit:
    """A sentence as quoted: the sentence, and the ones it needs before it."""

    position: int
    """Its index among the section's sentences."""
    text: str
    needs: tuple[int, ...] = ()
    """Positions of the sentences that must come before it (antecedent, list lead-in)."""
    lead_in: int | None = None
    """Position of its list's lead-in, when it is a list item."""
    follows: tuple[int, ...] = ()
    """Positions of the sentences that come with it after it (the rest of its list item)."""
    list_id: int | None = None
    """For a list item, the position where its list starts (its lead-in or first item)."""


def is_list_item(sentence: str) -> bool:
    """Whether a sentence is a Markdown list item."""
    return sentence.startswith("- ")


def leans_back(sentence: str) -> bool:
    """Whether a sentence leans on the one before it (a pronoun or connective start, or a
    demonstrative a few words in)."""
    body = (sentence[2:] if is_list_item(sentence) else sentence).lstrip("\"'“‘(")
    return _DEPENDENT.match(body) is not None or _POINTS_BACK.match(body) is not None


def units(text: str) -> tuple[list[str], list[Unit]]:
    """A section's sentences (as :func:`~careerbot.text.split_sentences` gives them), and each
    one that is not a lead-in as a :class:`Unit`.

    A list item is one unit however many sentences it has ("- A DevOps certification. It
    transfers across roles."): its text is the whole item, its further sentences ``follows``.
    The list's lead-in stays in force until a line outside the list.
    """
    sentences: list[str] = []
    out: list[Unit] = []
    lead: int | None = None
    start: int | None = None  # where the current list starts
    for line in text.split("\n"):
        pieces = split_line(line.strip())
        if not pieces:
            continue
        if is_list_item(pieces[0]):
            i = len(sentences)
            sentences += pieces
            needs = () if lead is None else (lead,)
            start = i if start is None else start
            rest = tuple(range(i + 1, i + len(pieces)))
            out.append(Unit(i, " ".join(pieces), needs, lead, rest, start))
            continue
        lead = start = None
        for n, s in enumerate(pieces):
            i = len(sentences)
            sentences.append(s)
            if s.rstrip().endswith(":") and n == len(pieces) - 1:
                lead = start = i
            elif i > 0 and leans_back(s) and not sentences[i - 1].rstrip().endswith(":"):
                out.append(Unit(i, s, (i - 1,)))
            else:
                out.append(Unit(i, s))
    return sentences, [_with_next(u, sentences) for u in out]


def _with_next(unit: Unit, sentences: Sequence[str]) -> Unit:
    """A prose sentence too short to answer anything ("Both pay well.") brings the next one."""
    after = unit.position + 1
    if unit.list_id is not None or len(unit.text.split()) > OPENER_WORDS or after >= len(sentences):
        return unit
    nxt = sentences[after]
    if is_list_item(nxt) or nxt.rstrip().endswith(":"):
        return unit
    return Unit(unit.position, f"{unit.text} {nxt}", unit.needs, None, (after,))


def type_bonus(question: str, sentence: str) -> float:
    """How well a sentence fits what the question asks for (0 to 0.1)."""
    bonus = 0.0
    if _HOW_MUCH.search(question) and _FIGURE.search(sentence):
        bonus += 0.1
    if asks_choice(question) and _DIRECTIVE.search(sentence):
        bonus += 0.06
    if _HOW_DO.search(question) and _STEP.match(sentence):
        bonus += 0.04
    return bonus


def asks_choice(question: str) -> bool:
    """Whether a question asks what to choose ("which should I get?", "MLE or data science?"),
    not how two things differ ("ML engineer vs data scientist, what's the difference?")."""
    if _CHOICE.search(question):
        return True
    return _WHICH.search(question) is not None and _DIFFERENCE.search(question) is None


def is_hook(sentence: str, position: int, *, introduction: bool) -> bool:
    """Whether a sentence sets up or points rather than answers: a question ("…do they still
    pay off?"), a line sending the reader to another article ("For India, see …"), an
    introduction's opening line, or a line about the guide itself ("This guide covers…")."""
    if sentence.rstrip().endswith("?") or _POINTER.search(sentence):
        return True
    return introduction and (position == 0 or _GUIDE_TALK.search(sentence) is not None)


def about_article(question: str) -> bool:
    """Whether the question asks about an article itself (then its introduction may lead),
    not what one says ("the india article says …, is that right?")."""
    return _ABOUT_ARTICLE.search(_QUOTING.sub(" ", question)) is not None


def points_elsewhere(sentence: str) -> bool:
    """Whether a sentence sends the reader to another page ("…, see our AI engineer salary
    guide."): never an answer, whatever the question."""
    return _POINTER.search(sentence) is not None


def figures(text: str) -> set[str]:
    """The figures a text states, normalised (``$140k`` → ``140000``, ``112,590`` → ``112590``)."""
    out = set()
    for m in re.finditer(r"(\d+(?:[.,]\d+)*)\s?([kK]\b)?", text):
        raw = m.group(1).replace(",", "").rstrip(".")
        if m.group(2):
            raw = str(round(float(raw) * 1000))
        if len(raw) >= 2:
            out.add(raw)
    return out


def has_figure(sentence: str) -> bool:
    """Whether a sentence states an amount, a share or a count."""
    return _FIGURE.search(sentence) is not None


def asked(question: str) -> str:
    """The sentences of a message that ask (ending in "?" or opening with a question word or a
    request), without the reader's statements around them: "got 2 offers, a GCC in Hyderabad
    and a startup in Pune. how do I compare them?" asks the last sentence only. The whole
    message when every sentence asks, or none does."""
    sentences = _message_sentences(question)
    asks = [s for s in sentences if s.rstrip().endswith("?") or _ASKS.match(s)]
    return question if not asks or len(asks) == len(sentences) else " ".join(asks)


def _message_sentences(message: str) -> list[str]:
    """A reader's sentences: like :func:`~careerbot.text.split_line`, but readers often type
    in lower case ("…in pune. how do i compare them?"), so any letter may start one."""
    pieces: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+", message.strip()):
        if pieces and pieces[-1].lower().endswith(ABBREVIATIONS_LOWER):
            pieces[-1] += f" {piece}"
        elif piece:
            pieces.append(piece)
    return pieces


def question_parts(question: str, min_words: int = 1) -> list[str]:
    """The parts of a question that asks several things ("the pay, and which skills?" → two):
    the sentences that ask (:func:`asked`) split at question marks, semicolons, "vs" and an
    "and" that starts another question, keeping parts of ``min_words`` content words or more
    that are not the reader describing themselves ("I'm a nurse")."""
    from careerbot.text import content_words

    pieces = [p.strip() for p in _PART_BREAK.split(asked(question))]
    parts = [p for p in pieces if len(content_words(p)) >= min_words and not _ABOUT_ME.match(p)]
    return parts if len(parts) > 1 else [question]


def stated_figures(question: str, sources: Sequence[str]) -> set[str]:
    """Figures the question states that none of the sources contains (a possible false premise);
    years are left out (readers name years as context)."""
    pool = set().union(*(figures(s) for s in sources)) if sources else set()
    stated = {f for f in figures(question) if not re.fullmatch(r"(?:19|20)\d\d", f)}
    return stated - pool
