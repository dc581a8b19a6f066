"""Checking a question and reading chat messages (follow-ups: :mod:`careerbot.answering.followup`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from careerbot.errors import QuestionError
from careerbot.text import control_characters

Message = Mapping[str, Any]
"""A chat message: ``{"role": "user" | "assistant", "content": str}``."""


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
