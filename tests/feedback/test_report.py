"""The editors' report on a seeded log in a real database of each engine, with the real model:
its figures, the planted content gap found as one cluster, and its page escaped."""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.feedback import AnswerLog
from careerbot.feedback.charts import charts
from careerbot.feedback.page import report_html
from careerbot.feedback.report import Report, build_report, parse_since, stored_sections
from careerbot.settings import Settings
from careerbot.store.database import Database
from careerbot.types import SEP, Answer
from tests.feedback.seed import (
    HOSTILE_COMMENT,
    NURSING_PAY,
    START,
    UNRELATED,
    VISAS,
    Clock,
    Seed,
    gold_sample,
    real_answers,
    refused,
    seed,
)


@pytest.fixture(scope="module")
def answered(shared_bot: CareerBot, section_questions: list[dict[str, str]]) -> list[Answer]:
    """The bot's real answers to every fifth gold question."""
    return real_answers(shared_bot, gold_sample(section_questions))


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    url = request.getfixturevalue("database_url") if request.param == "postgresql" else None
    return Database(Settings(data_dir=tmp_path / "data", database_url=url))


def seeded_report(
    bot: CareerBot, database: Database, answered: list[Answer]
) -> tuple[Report, Seed]:
    clock = Clock()
    log = AnswerLog(database, "c", Settings(), clock=clock)
    planted = seed(log, clock, answered)
    report = build_report(
        log,
        bot.embedder,
        stored_sections(bot.store),
        since=parse_since("7d", now=clock.now),
        confident_relevance=bot.settings.confident_relevance,
        now=clock.now,
    )
    return report, planted


def test_the_report_finds_the_planted_gap_and_counts_right(
    shared_bot: CareerBot, database: Database, answered: list[Answer]
) -> None:
    report, planted = seeded_report(shared_bot, database, answered)
    answers = [a for a, _ in planted.answers]
    assert report.questions == len(answers) == len(answered) + 35
    assert report.refused == sum(a.refused for a in answers) >= 35
    assert report.refusal_rate == pytest.approx(report.refused / len(answers))
    assert (report.rated, report.up) == (planted.ups + planted.downs, planted.ups)
    assert report.satisfaction_rate == pytest.approx(planted.ups / (planted.ups + planted.downs))
    latencies = [ms for _, ms in planted.answers]
    assert report.latency_p50_ms == pytest.approx(np.percentile(latencies, 50), abs=0.05)
    assert report.latency_p95_ms == pytest.approx(np.percentile(latencies, 95), abs=0.05)
    assert [d.day for d in report.days] == [f"2027-01-{d}" for d in range(15, 21)]
    assert sum(d.questions for d in report.days) == report.questions
    assert sum(d.rated for d in report.days) == report.rated

    # The planted gap: twenty nursing-pay questions, one cluster, the biggest.
    nursing = report.gaps[0]
    assert nursing.count == 20 and set(nursing.questions) == set(NURSING_PAY)
    assert nursing.refused == 20 and len(nursing.examples) == 5
    visas = [g for g in report.gaps if set(g.questions) & set(VISAS)]
    assert all(set(g.questions) <= set(VISAS) for g in visas)  # never merged with another
    assert max(g.count for g in visas) >= 4
    assert not set(nursing.questions) & set(UNRELATED)
    assert sum(g.count for g in report.gaps) == report.gap_questions >= 35

    assert sorted(d.comment for d in report.disliked) == sorted(planted.comments)
    assert HOSTILE_COMMENT in planted.comments and all(d.sections for d in report.disliked)
    assert [d.rated_at for d in report.disliked] == sorted(
        (d.rated_at for d in report.disliked), reverse=True
    )

    cited = Counter(
        f"{c.title}{SEP}{c.section}"
        for a in answers
        if not a.refused
        for c in {(c.title, c.section): c for c in a.citations}.values()
    )
    assert {s.section: s.count for s in report.most_cited} == dict(cited)
    assert [s.count for s in report.most_cited] == sorted(cited.values(), reverse=True)
    sections = set(stored_sections(shared_bot.store))
    assert report.sections == len(sections) > 30
    assert set(report.never_cited) == sections - set(cited) and report.never_cited
    database.close()


def test_the_page_escapes_every_logged_string(
    shared_bot: CareerBot, database: Database, answered: list[Answer]
) -> None:
    report, _ = seeded_report(shared_bot, database, answered)
    page = report_html(report)
    assert "<script" not in page and "<img" not in page and "<b>outdated" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt; wrong &amp; &lt;b&gt;outdated&lt;/b&gt;" in page
    assert page.count("<svg") == 4  # questions, rates, latency, gaps: inline
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing fetched
    assert all(html.escape(q) in page for q in report.gaps[0].examples)
    assert report.to_dict()["gaps"][0]["count"] == 20
    database.close()


def test_periods() -> None:
    now = START
    assert parse_since("7d", now=now) == now - 7 * 86400
    assert parse_since("24h", now=now) == now - 86400
    assert parse_since("2w", now=now) == now - 14 * 86400
    assert parse_since("all", now=now) == 0.0
    assert parse_since("2027-01-15") == 1_800_000_000.0 - 8 * 3600
    with pytest.raises(ValueError, match="no period"):
        parse_since("last week")


def test_an_empty_log_and_a_question_with_dollars(embedder: Embedder, tmp_path: Path) -> None:
    clock = Clock()
    database = Database(Settings(data_dir=tmp_path / "data"))
    log = AnswerLog(database, "c", Settings(), clock=clock)
    empty = build_report(log, embedder, ["A › B"], since=0.0, confident_relevance=0.45)
    assert (empty.questions, empty.refusal_rate, empty.satisfaction_rate) == (0, None, None)
    assert empty.days == () and empty.gaps == () and empty.never_cited == ("A › B",)
    assert database.sqlite_path and not database.sqlite_path.exists()  # reading made nothing
    assert "<svg" not in report_html(empty) and "None in this period" in report_html(empty)

    odd = "Is $5 or $10 an hour a fair <b>nanny</b> wage?"  # mathtext, were $ not escaped
    log.record(refused(odd), latency_ms=3, channel="api")
    report = build_report(log, embedder, [], since=0.0, confident_relevance=0.45)
    assert report.gaps[0].questions == (odd,) and report.days[0].questions == 1
    svg = charts(report)["gaps"]
    assert "Is $5 or $10 an hour a fair &lt;b&gt;nanny&lt;/b&gt; wage?" in svg
    database.close()
