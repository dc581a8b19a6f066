from __future__ import annotations

import dataclasses
import json

import pytest

from careerbot import Answer, CareerBot, Citation, Passage, Settings
from careerbot.embedding.embedder import Embedder
from careerbot.errors import QuestionError


def test_a_new_bot_builds_its_index_from_the_corpus(settings: Settings, embedder: Embedder) -> None:
    assert not settings.chroma_path.exists()
    bot = CareerBot(embedder=embedder)  # settings from the CAREERBOT_* environment
    assert bot.settings.data_dir == settings.data_dir
    assert bot.last_ingest is not None and bot.last_ingest.articles == 5
    again = CareerBot(embedder=embedder)
    assert again.last_ingest is None  # opened, not rebuilt
    assert again.store.count() == bot.store.count()
    # The keyword index was built by the ingest, under the stamp it finished with.
    saved = settings.data_dir / "lexical" / bot.store.name / "careerbot.json"
    assert json.loads(saved.read_text())["stamp"] == bot.store.stamp


def test_dense_mode_keeps_no_keyword_index(settings: Settings, embedder: Embedder) -> None:
    bot = CareerBot(settings.model_copy(update={"retrieval_mode": "dense"}), embedder=embedder)
    assert bot.lexical is None and bot.retrieve("cloud certification", k=2)
    assert not (settings.data_dir / "lexical").exists()


def test_results_are_frozen_and_render_in_notebooks(shared_bot: CareerBot) -> None:
    passage = shared_bot.retrieve("Which role pays more?", k=1)[0]
    assert isinstance(passage, Passage)
    with pytest.raises(dataclasses.FrozenInstanceError):
        passage.score = 1.0  # type: ignore[misc]
    assert passage.label in passage._repr_markdown_()
    assert passage.url in passage._repr_markdown_()

    answer = shared_bot.ask("Which role pays more?")
    assert isinstance(answer, Answer) and isinstance(answer.citations[0], Citation)
    md = answer._repr_markdown_()
    assert answer.text in md and "**Sources**" in md
    assert f"]({answer.citations[0].url})" in md
    assert repr(answer).startswith("Answer(") and "citations" in repr(answer)
    assert {
        "answer",
        "refused",
        "backend",
        "notice",
        "citations",
        "flagged",
        "dropped",
    } <= answer.to_dict().keys()
    assert answer.citations[0].to_dict().keys() == {
        "n",
        "title",
        "section",
        "url",
        "snippet",
        "updated",
    }


@pytest.mark.parametrize("question", ["", "   ", "q" * 100_000, "pay\x00\x01\x02"])
def test_bad_questions_raise_question_error(shared_bot: CareerBot, question: str) -> None:
    with pytest.raises(QuestionError):
        shared_bot.ask(question)
    with pytest.raises(QuestionError):
        shared_bot.retrieve(question)
    assert shared_bot.ask("Which role pays more?").citations  # still serving
