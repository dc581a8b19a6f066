"""Follow-ups: recognised by form, resolved against the recent conversation."""

from __future__ import annotations

import pytest

from careerbot.answering.followup import conversation_context, follow_up_context, is_follow_up


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
    found = follow_up_context("and what about pay?", history, max_messages=6)
    assert found is not None
    assert found.topic == "And a data scientist?"
    # Both user turns steer, newest first, then the last answer without its markers.
    assert found.context == "And a data scientist? What does an ML engineer do? Experiments."
    assert follow_up_context("and what about pay?", history, max_messages=0) is None
    assert (
        follow_up_context("Which cloud certification signals the most?", history, max_messages=6)
        is None
    )
    assert follow_up_context("and what about pay?", [], max_messages=6) is None


def test_a_chain_keeps_its_topic() -> None:
    """which cert? -> do they expire? -> who usually pays for it? still leans on the cert."""
    history = [
        {"role": "user", "content": "Which cloud certification should a developer get first?"},
        {"role": "assistant", "content": "A cloud machine learning engineering certification [1]."},
        {"role": "user", "content": "do they expire?"},
        {"role": "assistant", "content": "Most certifications must be renewed [1]."},
    ]
    found = follow_up_context("who usually pays for it?", history, max_messages=6)
    assert found is not None
    assert "Which cloud certification" in found.context
    assert found.topic == "do they expire?"


def test_no_history_no_context() -> None:
    assert conversation_context([], max_messages=6) is None
    assert conversation_context([{"role": "assistant", "content": "Hi"}], max_messages=6) is None
