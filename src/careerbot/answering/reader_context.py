"""What in a reader's message sets the scene rather than asks: their description of
themselves ("backend dev 4 yrs java spring.", "data engineer here,"), asides in brackets, and
terms they set aside.

A key term there is context, not the question (:mod:`careerbot.answering.answerability`):
"I'm a nurse, could I become a data scientist?" asks about data science.
"""

from __future__ import annotations

import re

# Up to two words between an introduction and the term ("I'm a senior data engineer").
_UP_TO_TERM = r"(?:(?!(?:to|into|towards)\b)\w+\s+){0,2}$"
_SELF = re.compile(
    r"\b(?:i'?m|i am|i was|i work(?:ed)? (?:as|at|for|in)|(?:currently )?working (?:at|for)|"
    r"employed (?:at|by)|i joined|my (?:background|degree|job) (?:is|in)|"
    r"coming from|switching from|moving from|moved to|relocated to|living in|based in|"
    r"settled in|i live in|to me(?: here)? in|former|ex-|currently)\s+(?:an?\s+|the\s+)?"
    + _UP_TO_TERM,
    re.IGNORECASE,
)
# "as an SRE, which role fits me?" opening a sentence; mid-sentence "pay as a nurse" asks.
_AS_SELF = re.compile(r"(?:^|[.!?;]\s+)\W*as\s+an?\s+" + _UP_TO_TERM, re.IGNORECASE)
# A question's parts: sentences, and the comma-separated parts of each.
_PART = re.compile(r"[^.!?;,\n]+[.!?;,\n]*")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")
_ASIDE = re.compile(r"\([^()]*\)")
_THERE = re.compile(r"\bthere\b", re.IGNORECASE)
# A term the reader sets aside is not what they ask about: "besides naukri/linkedin".
_EXCLUDED = re.compile(
    r"\b(?:besides|other than|apart from|except|instead of|rather than)\s+(?:[\w'-]+\s+){0,2}$"
)
# Words that open a question; an auxiliary opens one too ("is it worth it"), though in a
# sentence ending in a full stop it opens a statement as often ("was a php dev before.").
_QUESTION_WORDS = (
    "what|whats|which|how|why|where|when|who|whose|should|shall|can|could|would|any|tell|"
    "explain|gimme|give|list|compare"
)
_AUXILIARIES = "will|is|are|am|do|does|did|was|were|has|have"
_ASKS = re.compile(rf"\?|^\W*(?:{_QUESTION_WORDS}|{_AUXILIARIES})\b", re.IGNORECASE)
_WH = re.compile(rf"^\W*(?:{_QUESTION_WORDS})\b", re.IGNORECASE)
# Words of a reader describing themselves ("backend dev 4 yrs java", "doing a DS masters rn");
# a part that names a topic to ask about ("confused about pytorch vs tensorflow") is not one.
_ABOUT_ME = re.compile(
    r"\b(?:i|im|i'm|ive|i've|my|me|fresher|student|graduate|grad|currently|doing an?|studying|"
    r"working (?:as|in|at|on)|background|\d+\+?\s*(?:yrs?|years?|yoe))\b|\bw/"
    r"|\bhere\W*$",
    re.IGNORECASE,
)
_TOPICAL = re.compile(
    r"\b(?:about|between|vs|versus|regarding|wondering|confused|curious|thinking|considering|"
    r"planning|plan|want|wanna|worth|better)\b",
    re.IGNORECASE,
)


def about_self(before: str) -> bool:
    """Whether the text just before a term introduces the reader ("I'm a", "coming from",
    "I'm in", "currently a", a sentence opening "as an"), not a topic ("I'm confused
    about")."""
    found = _SELF.search(before) or _AS_SELF.search(before)
    return found is not None and not _TOPICAL.search(found.group(0))


def _sentence_asks(sentence: str) -> bool:
    """Whether a sentence of a message asks: a part of it does, though one ending in a full
    stop must open with a question word ("was a php dev before." states)."""
    if sentence.rstrip().endswith("."):
        return any(_WH.match(part) for part in _PART.findall(sentence))
    return any(map(_ASKS.search, _PART.findall(sentence)))


def context_spans(question: str) -> list[tuple[int, int]]:
    """Where ``question`` sets the scene rather than asks ("backend dev 4 yrs java spring.
    what do i learn first"), when another part asks: parts that ask nothing and speak of the
    reader, whole sentences that ask nothing and name no topic ("data engineer at flipkart,
    3 yrs spark/airflow."), unless the asking part points back at a place ("there"), and
    asides in brackets ("12 small repos (todo app, weather app). is that a good portfolio?").
    Empty when no part asks (then the whole question is the question)."""
    parts = [(m.start(), m.end(), m.group(0)) for m in _PART.finditer(question)]
    asking = [bool(_ASKS.search(text)) for _, _, text in parts]
    if not any(asking):
        return []
    spans = [
        (start, end)
        for (start, end, text), asks in zip(parts, asking, strict=True)
        if not asks and _ABOUT_ME.search(text) and not _TOPICAL.search(text)
    ]
    sentences = [(m.start(), m.end(), m.group(0)) for m in _SENTENCE.finditer(question)]
    asks = [s for s in sentences if _sentence_asks(s[2])]
    if not any(_THERE.search(text) for *_, text in asks):
        spans += [
            (start, end)
            for start, end, text in sentences
            if (start, end, text) not in asks and not _TOPICAL.search(text)
        ]
    outside = _ASIDE.sub(" ", question)
    if _ASKS.search(outside) and outside.strip():
        spans += [(m.start(), m.end()) for m in _ASIDE.finditer(question)]
    return spans


def set_aside(before: str) -> bool:
    """Whether the text just before a term sets it aside ("any ways in besides spamming
    naukri?"): then the term is not what is asked about."""
    return _EXCLUDED.search(before) is not None


def in_scene(text: str, start: int, spans: list[tuple[int, int]]) -> bool:
    """Whether the term at ``start`` of ``text`` belongs to the reader's scene: introduced as
    the reader ("I'm a …", :func:`about_self`) or inside one of ``spans``
    (:func:`context_spans` of ``text``)."""
    return about_self(text[:start]) or any(a <= start < b for a, b in spans)


def without_scene(question: str) -> str:
    """``question`` with the spans that set the reader's scene blanked out (the same length)."""
    spans = context_spans(question.lower())
    return "".join(" " if any(a <= i < b for a, b in spans) else c for i, c in enumerate(question))
