from __future__ import annotations

import dataclasses
import json
from datetime import date

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


def test_retrieve_filters_by_article_and_date(shared_bot: CareerBot) -> None:
    question = "Which role pays more?"
    one = shared_bot.retrieve(question, k=3, article="cloud-certifications-worth-it-2026")
    assert len(one) == 3 and {p.slug for p in one} == {"cloud-certifications-worth-it-2026"}
    recent = shared_bot.retrieve(question, k=8, updated_after="2026-01-21")
    assert recent and all(p.updated > "2026-01-21" for p in recent)
    assert {p.slug for p in shared_bot.retrieve(question, k=8)} - {p.slug for p in recent}
    both = shared_bot.retrieve(
        question, article="junior-developer-gap-2026", updated_after=date(2026, 1, 30)
    )
    assert both == []
    with pytest.raises(QuestionError, match="updated_after"):
        shared_bot.retrieve(question, updated_after="soon")


def test_batches_give_what_one_at_a_time_gives(shared_bot: CareerBot) -> None:
    questions = ["Which role pays more?", "Are cloud certifications worth it?"]
    many = shared_bot.retrieve_many(questions, k=3)
    assert [[p.chunk_id for p in ps] for ps in many] == [
        [p.chunk_id for p in shared_bot.retrieve(q, k=3)] for q in questions
    ]
    answers = shared_bot.ask_many([*questions, "What is the capital of France?"])
    assert [a.text for a in answers[:2]] == [shared_bot.ask(q).text for q in questions]
    assert answers[2].refused and not answers[0].refused


def test_answers_carry_their_passages_and_become_frames(shared_bot: CareerBot) -> None:
    answer = shared_bot.ask("Which role pays more?")
    data = answer.to_dict()
    assert [p["score"] for p in data["passages"]] == [p.score for p in answer.passages]
    assert json.loads(json.dumps(data)) == data
    frame = answer.to_frame()
    assert list(frame["score"]) == [p.score for p in answer.passages]
    assert frame["cited"].any() and frame["url"].str.startswith("https://").all()
    passages = shared_bot.retrieve("Which role pays more?", k=4)
    assert passages.to_frame().shape[0] == 4
    assert list(passages[0].to_frame()["title"]) == [passages[0].title]
    table = shared_bot.ask_many(["Which role pays more?"]).to_frame()
    assert list(table.columns[:3]) == ["question", "answer", "refused"]


def test_a_chained_follow_up_stays_in_its_conversation_s_article(shared_bot: CareerBot) -> None:
    # "what will the interviews focus on" alone matches the junior guide's data sections; after
    # a question about certifications it is the certification guide's "expect more questions
    # about the project than about the exam".
    first = "is a cloud cert enough to get hired or do i need projects too"
    history = [
        {"role": "user", "content": first},
        {"role": "assistant", "content": shared_bot.ask(first).text},
    ]
    answer = shared_bot.ask("what will the interviews focus on more", history)
    top = [(p.slug, p.section) for p in answer.passages[:3]]
    assert (
        "cloud-certifications-worth-it-2026",
        "Pairing a certification with a shipped project",
    ) in top, top
    assert "more questions about the project than about the exam" in answer.text, answer.text
