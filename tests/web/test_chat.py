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
