from __future__ import annotations

import re

import pytest

from careerbot.answering.question import clean_question, follow_up_context, is_follow_up
from careerbot.errors import QuestionError


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "Please type a question"),
        ("   \n\t ", "Please type a question"),
        ("x" * 100_000, "100,000 characters long; the limit is 2,000"),
        ("what\x00 about\x07 pay\x1b[31m", "3 control character(s) (U+0000, U+0007, U+001B)"),
        (None, "must be text"),
    ],
)
def test_unusable_questions_get_a_clear_message(question: object, message: str) -> None:
    with pytest.raises(QuestionError, match=re.escape(message)):
        clean_question(question, max_chars=2000)


def test_white_space_is_folded() -> None:
    assert clean_question("  What\n does it   pay? ", max_chars=2000) == "What does it pay?"


@pytest.mark.parametrize(
    ("question", "follow_up"),
    [
        ("and what about pay?", True),
        ("Is it worth it?", True),
        ("What about India?", True),
        ("How does an ML engineer's pay compare with a data scientist's?", False),
        ("Which cloud certification signals the most to employers?", False),
    ],
)
def test_follow_ups_are_recognised(question: str, follow_up: bool) -> None:
    assert is_follow_up(question) is follow_up


def test_follow_up_context_is_the_last_user_question() -> None:
    history = [
        {"role": "user", "content": "What does an ML engineer do?"},
        {"role": "assistant", "content": "They build production systems [1]."},
        {"role": "user", "content": [{"type": "text", "text": "And a data scientist?"}]},
        {"role": "assistant", "content": "Experiments [1]."},
    ]
    assert follow_up_context("and what about pay?", history, max_messages=6) == "And a data scientist?"
    assert follow_up_context("and what about pay?", history, max_messages=0) is None
    assert follow_up_context("Which cloud certification signals the most?", history, max_messages=6) is None
    assert follow_up_context("and what about pay?", [], max_messages=6) is None
