"""``/admin``: the readers' report behind a bearer token (the app in-process, over ASGI, with
the real model and index and a seeded SQLite log)."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient
from pydantic import SecretStr

from careerbot.bot import CareerBot
from careerbot.feedback import AnswerLog
from careerbot.store.database import Database
from careerbot.web.server import create_app
from tests.feedback.seed import (
    DAY,
    HOSTILE_COMMENT,
    Clock,
    gold_sample,
    real_answers,
    seed,
)

TOKEN = "s3cret-admin-token"


def test_admin_is_off_without_a_token(shared_bot: CareerBot) -> None:
    client = TestClient(create_app(shared_bot))
    assert client.get("/admin").status_code == 404
    assert client.get("/admin", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
    assert "/admin" not in client.get("/openapi.json").json()["paths"]


def test_admin_needs_the_token_and_escapes_what_readers_wrote(
    shared_bot: CareerBot, section_questions: list[dict[str, str]], tmp_path: Path
) -> None:
    settings = shared_bot.settings.model_copy(
        update={
            "admin_token": SecretStr(TOKEN),
            "database_url": f"sqlite:///{tmp_path / 'log.sqlite3'}",
        }
    )
    bot = CareerBot(settings, embedder=shared_bot.embedder)
    clock = Clock()
    with Database(settings) as database:
        log = AnswerLog(database, bot.store.name, settings, clock=clock)
        seed(log, clock, real_answers(bot, gold_sample(section_questions)), time.time() - 6 * DAY)
    client = TestClient(create_app(bot))
    assert "/admin" not in client.get("/openapi.json").json()["paths"]

    for headers in (
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
    ):
        got = client.get("/admin", headers=headers)
        assert got.status_code == 401, headers
        assert got.headers["WWW-Authenticate"].startswith("Bearer") and "Bearer" in got.text
        assert TOKEN not in got.text
    assert client.get("/admin", params={"token": TOKEN}).status_code == 401  # header only

    got = client.get("/admin", headers={"Authorization": f"Bearer {TOKEN}"})
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in got.headers["Content-Security-Policy"]
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Cache-Control"] == "no-store"
    page = got.text
    assert "<script" not in page and "<img" not in page  # no tag a reader typed survives
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt; wrong &amp; &lt;b&gt;outdated&lt;/b&gt;" in page
    assert HOSTILE_COMMENT not in page
    assert page.count("<svg") == 4 and "Content gaps" in page and "How much do nurses" in page

    month = client.get("/admin?since=30d", headers={"Authorization": f"Bearer {TOKEN}"})
    assert month.status_code == 200
    bad = client.get("/admin?since=soon", headers={"Authorization": f"Bearer {TOKEN}"})
    assert bad.status_code == 422 and "no period" in bad.json()["error"]
