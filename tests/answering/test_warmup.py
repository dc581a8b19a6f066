"""The warm-up: after it, a first question embeds only itself (and its parts)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from careerbot.answering.sentences import question_parts
from careerbot.answering.warmup import warmer_of
from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.settings import Settings
from tests.conftest import CORPUS


def test_after_the_warm_up_a_first_question_embeds_only_its_own_words(
    tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = CareerBot(Settings(data_dir=tmp_path / "data", corpus_dir=CORPUS), embedder=embedder)
    warmer = warmer_of(bot.answerer)
    cache = bot.answerer.checker.vectors  # type: ignore[attr-defined]
    assert warmer is not None and len(cache) == 0  # nothing while the bot opens (app start)
    bot.ask("Is a cloud certification worth getting?")  # the first request starts it
    assert warmer.wait(120)
    assert warmer.embedded > 200  # every section's sentences, headings and titles
    embedded: list[str] = []
    real = embedder.encode

    def counting(texts: list[str], **kw: object) -> np.ndarray:
        embedded.extend(texts)
        return real(texts, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(embedder, "encode", counting)
    # Lists and their lead-ins, headings and a figure: what first asks used to embed.
    question = "Which of the two careers earns more money right now?"
    answer = bot.ask(question)
    assert not answer.refused and "$" in answer.text
    assert set(embedded) <= {question, *question_parts(question)}, embedded


def test_an_ingest_warms_the_sections_it_changed(tmp_path: Path, embedder: Embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    article = sorted(CORPUS.glob("*.md"))[0]
    (corpus / article.name).write_text(article.read_text())
    bot = CareerBot(Settings(data_dir=tmp_path / "data", corpus_dir=corpus), embedder=embedder)
    warmer = warmer_of(bot.answerer)
    assert warmer is not None
    added = "## Salary bands by city\n\nPune pays a little less than Bengaluru for the same role.\n"
    (corpus / article.name).write_text(article.read_text() + "\n" + added)
    bot.ingest()
    assert warmer.wait(120)
    cache = bot.answerer.checker.vectors  # type: ignore[attr-defined]
    assert "Pune pays a little less than Bengaluru for the same role." in cache
