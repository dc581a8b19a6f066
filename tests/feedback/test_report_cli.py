"""``careerbot report`` on a seeded SQLite log: text, ``--json`` and ``--html`` (in-process)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from careerbot.bot import CareerBot
from careerbot.cli.app import app
from careerbot.feedback import AnswerLog
from careerbot.settings import Settings
from careerbot.store.database import Database
from tests.feedback.seed import DAY, NURSING_PAY, Clock, gold_sample, real_answers, seed

runner = CliRunner()


@pytest.mark.slow  # ~20 s: two runs of the command, each loading the model
def test_report_prints_text_json_and_a_page(
    shared_bot: CareerBot,
    section_questions: list[dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CAREERBOT_DATA_DIR", str(shared_bot.settings.data_dir))  # its index
    monkeypatch.setenv("CAREERBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'log.sqlite3'}")
    settings = Settings()
    clock = Clock()
    with Database(settings) as database:
        log = AnswerLog(database, shared_bot.store.name, settings, clock=clock)
        answered = real_answers(shared_bot, gold_sample(section_questions))
        planted = seed(log, clock, answered, start=time.time() - 6 * DAY)

    got = runner.invoke(app, ["report", "--json"])
    assert got.exit_code == 0, got.output
    data = json.loads(got.stdout)
    assert (
        data["questions"] == len(planted.answers) and data["rated"] == planted.ups + planted.downs
    )
    assert data["satisfaction_rate"] == pytest.approx(planted.ups / (planted.ups + planted.downs))
    assert data["refusal_rate"] == pytest.approx(data["refused"] / data["questions"])
    assert data["gaps"][0]["count"] == 20 and set(data["gaps"][0]["questions"]) == set(NURSING_PAY)
    assert len(data["days"]) == 7 and data["never_cited"] and data["most_cited"]
    assert {"refusal_rate", "satisfaction_rate", "latency_p95_ms"} <= set(data["days"][-1])

    page = tmp_path / "out" / "report.html"
    page.parent.mkdir()
    got = runner.invoke(app, ["report", "--since", "30d", "--html", str(page)])
    assert got.exit_code == 0, got.output
    assert "Content gaps" in got.stdout and f"Disliked answers ({planted.downs})" in got.stdout
    assert data["gaps"][0]["questions"][0] in got.stdout  # the most typical nursing question
    html = page.read_text()
    assert html.startswith("<!doctype html>") and html.count("<svg") == 4
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html

    bad = runner.invoke(app, ["report", "--since", "yesterday"])
    assert bad.exit_code == 1 and "--since" in bad.output and "7d" in bad.output
