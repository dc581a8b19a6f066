"""The question log and ratings in a real database of each engine: what is kept, for how long,
and what a privacy-strict deployment (question_log off) keeps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from careerbot.bot import CareerBot
from careerbot.errors import UnknownAnswerError
from careerbot.feedback import AnswerLog
from careerbot.settings import Settings
from careerbot.store.database import Database

QUESTION = "Is a cloud certification worth getting?"


class Clock:
    """A settable clock, so retention is tested without waiting days."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    url = request.getfixturevalue("database_url") if request.param == "postgresql" else None
    return Database(Settings(data_dir=tmp_path / "data", database_url=url))


def test_answers_and_ratings_are_logged_and_pruned(
    shared_bot: CareerBot, database: Database
) -> None:
    clock = Clock()
    log = AnswerLog(
        database, "c", Settings(retention_days=30), generation=lambda: "g1", clock=clock
    )
    answer = shared_bot.ask(QUESTION)
    refused = shared_bot.ask("What do nurses earn in Norway?")
    log.record(answer, latency_ms=12.34, channel="api")
    log.record(refused, latency_ms=5, channel="chat")
    logged = log.answers()
    assert [a.id for a in logged] == [answer.answer_id, refused.answer_id]
    first = logged[0]
    assert first.question == QUESTION and not first.refused and first.generation == "g1"
    assert first.top_section and first.top_similarity and first.latency_ms == 12.3
    assert [c["n"] for c in first.citations] == [c.n for c in answer.citations]
    assert logged[1].refused

    clock.now += 60
    rating = log.rate(answer.answer_id, "down", "  Missing the exam fees.  ", "b" * 100)
    assert rating.comment == "Missing the exam fees." and rating.question == QUESTION
    assert log.ratings()[0].answer == answer.text and log.ratings()[0].rating == "down"
    with pytest.raises(UnknownAnswerError, match="unknown or older"):
        log.rate("0" * 32, "up")
    # A fresh process (another replica) rates from the log itself.
    again = AnswerLog(database, "c", Settings(), clock=clock)
    assert again.rate(refused.answer_id, "up").question == refused.question

    clock.now += 31 * 86400  # past retention: everything goes
    assert log.prune() == 4 and log.answers() == [] and log.ratings() == []
    database.close()


def test_with_the_log_off_only_rated_answers_are_stored(
    shared_bot: CareerBot, database: Database
) -> None:
    log = AnswerLog(database, "c", Settings(question_log=False))
    answers = [shared_bot.ask(QUESTION), shared_bot.ask("Which pays more?")]
    for answer in answers:
        log.record(answer, latency_ms=1, channel="chat")
    assert log.answers() == []
    log.rate(answers[1].answer_id, "up", "Clear.")
    (rating,) = log.ratings()
    assert rating.question == "Which pays more?" and rating.comment == "Clear."
    assert json.dumps(rating.citations)  # a copy of the answer's citations, as JSON
    database.close()
