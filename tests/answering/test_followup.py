"""Follow-ups: recognised by form, resolved against the recent conversation."""

from __future__ import annotations

import pytest

from careerbot.answering.followup import conversation_context, is_follow_up


@pytest.mark.parametrize(
    ("question", "follow_up"),
    [
        ("and what about pay?", True),
        ("Is it worth it?", True),
        ("What about India?", True),
        ("ok so what should i build to stand out?", True),
        ("cool. once i've got those down whats the next step", True),
        ("why tho", True),
        ("How does an ML engineer's pay compare with a data scientist's?", False),
        ("Which cloud certification signals the most to employers?", False),
    ],
)
def test_follow_ups_are_recognised(question: str, follow_up: bool) -> None:
    assert is_follow_up(question) is follow_up


def test_follow_up_context_is_the_recent_conversation() -> None:
    history = [
        {"role": "user", "content": "What does an ML engineer do?"},
        {"role": "assistant", "content": "They build production systems [1]."},
        {"role": "user", "content": [{"type": "text", "text": "And a data scientist?"}]},
        {"role": "assistant", "content": "Experiments [1]."},
    ]
    assert is_follow_up("and what about pay?")
    found = conversation_context(history, max_messages=6)
    assert found is not None
    assert found.topic == "And a data scientist?"
    # Both user turns steer, newest first, then the last answer without its markers.
    assert found.context == "And a data scientist? What does an ML engineer do? Experiments."
    assert conversation_context(history, max_messages=0) is None
    assert not is_follow_up("Which cloud certification signals the most?")
    assert conversation_context([], max_messages=6) is None


def test_a_chain_keeps_its_topic() -> None:
    """which cert? -> do they expire? -> who usually pays for it? still leans on the cert."""
    history = [
        {"role": "user", "content": "Which cloud certification should a developer get first?"},
        {"role": "assistant", "content": "A cloud machine learning engineering certification [1]."},
        {"role": "user", "content": "do they expire?"},
        {"role": "assistant", "content": "Most certifications must be renewed [1]."},
    ]
    assert is_follow_up("who usually pays for it?")
    found = conversation_context(history, max_messages=6)
    assert found is not None
    assert "Which cloud certification" in found.context
    assert found.topic == "do they expire?"


def test_no_history_no_context() -> None:
    assert conversation_context([], max_messages=6) is None
    assert conversation_context([{"role": "assistant", "content": "Hi"}], max_messages=6) is None


def test_the_chat_header_is_not_taken_for_the_answer() -> None:
    history = [
        {"role": "user", "content": "which cert first?"},
        {
            "role": "assistant",
            "content": "_Answering: which cert first?_\n\nA DevOps certification [1].",
        },
    ]
    found = conversation_context(history, max_messages=6)
    assert found is not None and found.context == "which cert first? A DevOps certification."
