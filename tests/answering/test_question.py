from __future__ import annotations

import re

import pytest

from careerbot.answering.question import clean_history, clean_question
from careerbot.errors import QuestionError
from careerbot.settings import Settings


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
    "question",
    [
        "Is a 👩\u200d💻 developer role worth it?",  # ZWJ emoji
        "حقوق مهندس\u200cها چقدر است؟",  # Persian ZWNJ
        "Is data engi\u00adneering paid well?",  # soft hyphen
        "\ufeffWhich role pays more?",  # BOM from a pasted file
        "Which role pays more? 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    ],
)
def test_real_text_with_format_characters_is_accepted(question: str) -> None:
    cleaned = clean_question(question, max_chars=2000)
    assert "\ufeff" not in cleaned and cleaned


@pytest.mark.parametrize(
    "question", ["pay\u202eyap", "pay\u2066x\u2069", "pay\x85ment", "pay\ud800", "pay\ue000"]
)
def test_bidi_overrides_and_real_controls_are_still_refused(question: str) -> None:
    with pytest.raises(QuestionError, match="control character"):
        clean_question(question, max_chars=2000)


def test_history_over_the_limits_is_refused_and_only_the_read_messages_are_kept() -> None:
    limits = Settings(max_history_messages=10, max_history_chars=100, history_turns=4)
    history = [{"role": "user", "content": f"turn {i}"} for i in range(10)]
    assert clean_history(history, limits) == history[-4:]
    with pytest.raises(QuestionError, match="11 messages; the limit is 10"):
        clean_history([*history, history[0]], limits)
    with pytest.raises(QuestionError, match=r"message 1 is 101 characters long; the limit is 100"):
        clean_history([history[0], {"role": "user", "content": "x" * 101}], limits)
    parts = [{"role": "user", "content": [{"type": "text", "text": "y" * 200}]}]
    with pytest.raises(QuestionError, match="200 characters"):
        clean_history(parts, limits)
    for bad in ("text", {"role": "user"}, [1, 2], 5):
        with pytest.raises(QuestionError, match="message"):
            clean_history(bad, limits)
    assert clean_history(None, limits) == []
