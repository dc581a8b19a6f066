"""The same code against a real `chroma run` server instead of embedded Chroma."""

from __future__ import annotations

import pytest

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.errors import IndexStateError
from careerbot.settings import Settings
from tests.conftest import CORPUS, free_port

pytestmark = pytest.mark.slow


def test_bot_builds_and_answers_over_a_chroma_server(
    chroma_server: tuple[str, int], embedder: Embedder
) -> None:
    host, port = chroma_server
    settings = Settings(chroma_host=host, chroma_port=port, corpus_dir=CORPUS)
    bot = CareerBot(settings, embedder=embedder)
    assert bot.last_ingest is not None and bot.last_ingest.articles == 5
    assert not settings.chroma_path.exists()  # nothing embedded on local disk
    answer = bot.ask("Which cloud should my first certification be on?")
    assert answer.citations[0].url.startswith(
        "https://careers.example.com/articles/cloud-certifications-worth-it-2026#"
    )
    again = CareerBot(settings, embedder=embedder)
    assert again.ingest().embedded == 0


def test_unreachable_server_says_what_to_do(embedder: Embedder) -> None:
    settings = Settings(chroma_host="127.0.0.1", chroma_port=free_port(), corpus_dir=CORPUS)
    with pytest.raises(IndexStateError, match="chroma run"):
        CareerBot(settings, embedder=embedder)
