"""Preparing a question: checking it, and turning a follow-up into a standalone question."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from careerbot.errors import QuestionError
from careerbot.text import content_words, control_characters

Message = Mapping[str, Any]
"""A chat message: ``{"role": "user" | "assistant", "content": str}``."""

_FOLLOW_UP_START = re.compile(
    r"^\s*(and|but|so|also|or|then|what about|how about|what else|why|same for|and for)\b",
    re.IGNORECASE,
)
_ANAPHORA = frozenset(
    "it its they them their theirs that this those these there either both other one ones "
    "he she him her former latter".split()
)


def clean_question(question: object, *, max_chars: int) -> str:
    """The question, stripped; raises :class:`QuestionError` with what to do when unusable."""
    if not isinstance(question, str):
        raise QuestionError("The question must be text.")
    bad = control_characters(question)
    if bad:
        shown = ", ".join(sorted({f"U+{ord(c):04X}" for c in bad})[:3])
        raise QuestionError(
            f"Your question contains {len(bad)} control character(s) ({shown}). "
            "Please retype it as plain text."
        )
    question = " ".join(question.split())
    if not question:
        raise QuestionError("Please type a question, for example: What does an ML engineer do?")
    if len(question) > max_chars:
        raise QuestionError(
            f"Your question is {len(question):,} characters long; the limit is {max_chars:,}. "
            "Please ask it in fewer words."
        )
    return question


def message_text(message: Message) -> str:
    """The text of a chat message, whatever shape its content has (str or list of parts)."""
    content = message.get("content", "")
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        return " ".join(
            str(part.get("text", "")) if isinstance(part, Mapping) else str(part)
            for part in content
        )
    return str(content)


def is_follow_up(question: str) -> bool:
    """Whether a question leans on an earlier turn ("and what about pay?", "is it worth it?")."""
    words = re.findall(r"[a-z']+", question.lower())
    return (
        bool(_FOLLOW_UP_START.match(question))
        or len(content_words(question)) <= 2
        or any(w in _ANAPHORA for w in words)
    )


def follow_up_context(question: str, history: Sequence[Message], *, max_messages: int) -> str | None:
    """The earlier user question a follow-up leans on, or None for a standalone question."""
    if not history or max_messages == 0 or not is_follow_up(question):
        return None
    previous = [
        text
        for m in list(history)[-max_messages:]
        if m.get("role") == "user" and (text := message_text(m).strip())
    ]
    return previous[-1] if previous else None
