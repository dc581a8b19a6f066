"""Conversation state without a language model: what a follow-up leans on.

A follow-up is resolved against the recent conversation, not only the last message: the
earlier user turns (newest first) and what the bot's last answer said, which names the sections
it cited. "which cert?" → "do they expire?" → "who usually pays for it?" keeps its topic because
the first question stays in the context until another topic replaces it.

A question is a follow-up when it leans on the history by its form (a connective or filler
start, a pronoun, very few content words); the caller may also treat a question as one when it
finds nothing on its own but does with the context.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from careerbot.answering.question import Message, message_text
from careerbot.answering.sentences import is_list_item
from careerbot.text import MARKER_BODY, content_words, split_line

_START = re.compile(
    r"^\s*(?:and|but|so|also|or|then|what about|how about|what else|why|same for|and for|"
    r"ok(?:ay)?|cool|hmm+|right|wait|btw|thanks|nice|great|got it|yeah|yes|no|sure|alright|"
    r"fine|oh|ah|interesting|makes sense|is that|are those|does that|do they|would that|"
    r"what if|any (?:tips|idea|data)|anything else|tell me more|more on)\b",
    re.IGNORECASE,
)
_ANAPHORA = frozenset(
    "it its they them their theirs that this those these there either both other one ones "
    "he she him her former latter such same".split()
)
# Things named earlier, counted: "which of the two is safer?", "the 3 options you gave".
_NAMED_BEFORE = re.compile(
    r"\b(?:the|these|those|both|all)\s+(?:two|three|four|2|3|4)\b(?!\s*(?:years?|yrs?|months?))",
    re.IGNORECASE,
)
# Words that carry no topic of their own in a follow-up ("what's the next step").
_GENERIC = frozenset(
    "next step steps thing things tips tip part bit way ways lot kind sort type idea ideas "
    "like tho though really actually anything something else more less better worse good bad "
    "need want know tell say think get got start first number figure myself mean help".split()
)
# "and the second one?", "whats second?", "the 3rd thing on that list": an item of the last
# answer's list. A bare ordinal counts only as the whole message ("what should I learn
# first?" asks no item).
_ORDINALS = {
    **dict.fromkeys(("first", "1st", "#1"), 0),
    **dict.fromkeys(("second", "2nd", "#2"), 1),
    **dict.fromkeys(("third", "3rd", "#3"), 2),
    **dict.fromkeys(("fourth", "4th", "#4"), 3),
    **dict.fromkeys(("fifth", "5th", "#5"), 4),
    "last": -1,
}
_ORDINAL = "(first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th|#[1-5])"
_POINTS_AT = (
    re.compile(rf"\b{_ORDINAL}\s+(?:one|thing|item|point|option|bullet|pick|entry)s?\b", re.I),
    re.compile(
        r"^\W*(?:(?:and|ok|okay|so)\W+)?(?:(?:what|whats|what's|what is|how about|and)\s+)?"
        rf"(?:the\s+)?{_ORDINAL}\W*$",
        re.IGNORECASE,
    ),
)
MARKERS = re.compile(r"\s*" + MARKER_BODY)
# What the chat puts before an answer ("_Answering: …_", a notice): not the answer's topic.
_HEADER = re.compile(r"^(?:_[^\n]*_\s*\n+)+")
ANSWER_CHARS = 150
"""How much of the bot's last answer joins the context (its lead names the cited sections)."""


@dataclass(frozen=True)
class FollowUp:
    """What a question leans on in the conversation."""

    context: str
    """Text that steers retrieval: earlier user turns, then the lead of the last answer."""
    topic: str
    """The earlier question it follows, shown to the reader ("Answering: … (about: …)"); for
    an ordinal, the first sentence of the list item it points at."""
    item: str = ""
    """The item of the last answer's list an ordinal points at ("and the second one?"), which
    is then what is asked about; ``""`` otherwise."""


def is_follow_up(question: str) -> bool:
    """Whether a question leans on an earlier turn by its form alone."""
    words = re.findall(r"[a-z']+", question.lower())
    topical = content_words(question) - _GENERIC
    return (
        bool(_START.match(question) or _NAMED_BEFORE.search(question))
        or len(topical) <= 2
        or any(w in _ANAPHORA for w in words)
    )


def conversation_context(
    history: Sequence[Message], *, max_messages: int, question: str = ""
) -> FollowUp | None:
    """The context a follow-up would lean on: the last three user turns (newest first) and the
    lead of the last answer, or None without history; with ``question``, also the list item of
    the last answer an ordinal in it points at."""
    if not history or max_messages == 0:
        return None
    recent = list(history)[-max_messages:]
    users = [t for m in recent if m.get("role") == "user" and (t := message_text(m).strip())]
    answers = [t for m in recent if m.get("role") == "assistant" and (t := message_text(m).strip())]
    if not users:
        return None
    lead = ""
    if answers and MARKERS.search(answers[-1]):  # a refusal cites nothing: no topic
        lead = MARKERS.sub("", _HEADER.sub("", answers[-1]))[:ANSWER_CHARS]
    context = " ".join([*reversed(users[-3:]), lead]).strip()
    item = pointed_item(question, answers[-1]) if question and answers else ""
    topic = split_line(item)[0] if item else users[-1]  # an item's first sentence names it
    return FollowUp(context=context, topic=topic, item=item)


def pointed_item(question: str, answer: str) -> str:
    """The item of ``answer``'s first list long enough that an ordinal in ``question`` points
    at ("and the second one?" → its second item, without markers), or ``""``."""
    found = next(filter(None, (p.search(question.strip()) for p in _POINTS_AT)), None)
    if found is None:
        return ""
    n = _ORDINALS[found.group(1).lower()]
    lists: list[list[str]] = [[]]
    for line in answer.split("\n"):
        if is_list_item(line):
            lists[-1].append(MARKERS.sub("", line[2:]).strip())
        elif lists[-1]:
            lists.append([])
    for items in lists:
        if len(items) > n >= -len(items):
            return items[n]
    return ""
