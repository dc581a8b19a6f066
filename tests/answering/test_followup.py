"""Follow-ups: recognised by form, resolved against the recent conversation."""

from __future__ import annotations

import pytest

from careerbot.answering.followup import conversation_context, is_follow_up
from careerbot.bot import CareerBot


@pytest.mark.parametrize(
    ("question", "follow_up"),
    [
        ("and what about pay?", True),
        ("Is it worth it?", True),
        ("What about India?", True),
        ("ok so what should i build to stand out?", True),
        ("cool. once i've got those down whats the next step", True),
        ("why tho", True),
        ("which of the two is safer from ai taking over", True),  # two named before
        ("I spent the two years after college in QA testing web apps", False),
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


RANKING = (
    "Our ranking, strongest signal first: [1]\n"
    "- A cloud machine learning engineering certification. [1] It covers pipelines. [1]\n"
    "- A cloud DevOps or platform engineering certification. [1]\n"
    "- A hands-on Kubernetes certification. [1]"
)


@pytest.mark.parametrize(
    ("question", "item"),
    [
        ("and the second one?", "A cloud DevOps or platform engineering certification."),
        ("whats second?", "A cloud DevOps or platform engineering certification."),
        ("what's the 3rd thing on that list about", "A hands-on Kubernetes certification."),
        ("ok and the last one", "A hands-on Kubernetes certification."),
        (
            "the first one, is it hard?",
            "A cloud machine learning engineering certification. It covers pipelines.",
        ),
        ("what should i learn first?", ""),  # asks no item
        ("the fifth one", ""),  # the list has three
    ],
)
def test_an_ordinal_points_at_an_item_of_the_last_answer(question: str, item: str) -> None:
    history = [
        {"role": "user", "content": "which cloud certs signal the most?"},
        {"role": "assistant", "content": RANKING},
    ]
    follow = conversation_context(history, max_messages=6, question=question)
    assert follow is not None and follow.item == item
    if item:  # the item's first sentence is what it is shown to be about
        assert item.startswith(follow.topic) and follow.topic.endswith(".")
        assert ". " not in follow.topic
    else:
        assert follow.topic == "which cloud certs signal the most?"


def test_and_the_second_one_is_answered_about_that_item(shared_bot: CareerBot) -> None:
    first = shared_bot.ask("which cloud certifications signal the most for ml roles?")
    history = [
        {"role": "user", "content": "which cloud certifications signal the most for ml roles?"},
        {"role": "assistant", "content": first.text},
    ]
    answer = shared_bot.ask("and the second one?", history)
    assert not answer.refused
    assert answer.question == (
        "and the second one? (about: A cloud DevOps or platform engineering certification.)"
    ), answer.question
    assert "DevOps or platform engineering certification" in answer.text
