"""The Gradio chat as built, without a server."""

from __future__ import annotations

import pytest

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.settings import Settings
from careerbot.web.chat import build_chat


def test_analytics_are_off_whatever_the_environment_says(
    settings: Settings, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "True")
    bot = CareerBot(settings, embedder=embedder, build_if_missing=False)
    assert build_chat(bot).analytics_enabled is False


def test_a_follow_up_shows_how_it_was_understood_as_plain_text() -> None:
    from careerbot.types import Answer
    from careerbot.web.answer_view import render

    answer = Answer(
        text="Most must be renewed [1].", question="do they expire? (about: <b>certs</b>)"
    )
    shown = render(answer, asked="do they expire?")
    assert shown.startswith(r"_Answering: do they expire? \(about: \<b\>certs\</b\>\)_")
    # A standalone question is not repeated back.
    assert render(Answer(text="x [1]", question="q?"), asked="q?") == "x [1]"
