from __future__ import annotations

import re

import pytest

from careerbot.answering.question import clean_question
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
