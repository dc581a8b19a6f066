"""Checking a question and reading chat messages (follow-ups: :mod:`careerbot.answering.followup`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from careerbot.errors import QuestionError
from careerbot.settings.answering import AnsweringSettings
from careerbot.text import control_characters

Message = Mapping[str, Any]
"""A chat message: ``{"role": "user" | "assistant", "content": str}``."""


def clean_question(question: object, *, max_chars: int) -> str:
    """The question, stripped; raises :class:`QuestionError` with what to do when unusable."""
    if not isinstance(question, str):
        raise QuestionError("The question must be text.")
    question = question.replace("\ufeff", "")  # a byte-order mark is no part of the text
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


def clean_history(history: object, limits: AnsweringSettings) -> list[Message]:
    """The messages of ``history`` that are read (the last ``history_turns``), checked: raises
    :class:`QuestionError` (with what to do) when it is not a list of messages, has more than
    ``max_history_messages`` or one longer than ``max_history_chars``, so an oversized request
    is refused before anything is embedded."""
    max_messages, max_message_chars = limits.max_history_messages, limits.max_history_chars
    read = limits.history_turns
    if history is None:
        return []
    if isinstance(history, (str, bytes, Mapping)) or not isinstance(history, Sequence):
        raise QuestionError(
            'The history must be a list of messages: [{"role": "user", "content": "..."}, ...].'
        )
    if len(history) > max_messages:
        raise QuestionError(
            f"The history has {len(history):,} messages; the limit is {max_messages:,}. "
            f"Send only the recent ones (careerbot reads the last {read})."
        )
    for i, message in enumerate(history):
        if not isinstance(message, Mapping):
            raise QuestionError(
                f'History message {i} is not a message: use {{"role": "user", "content": "..."}}.'
            )
        size = len(message_text(message))
        if size > max_message_chars:
            raise QuestionError(
                f"History message {i} is {size:,} characters long; the limit is "
                f"{max_message_chars:,}. Shorten it, or start a new conversation."
            )
    return list(history[-read:]) if read else []
