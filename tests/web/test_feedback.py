"""Reader feedback end to end: a real app server storing into a real PostgreSQL, rated through
the HTTP API and with the chat's thumbs in headless Chromium."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from careerbot.feedback import AnswerLog, Rating
from careerbot.settings import Settings
from careerbot.store.database import Database
from tests.conftest import running_app
from tests.postgres import fresh_database
from tests.web.browser import chromium

pytestmark = pytest.mark.slow

QUESTION = "Is a cloud certification worth getting?"
COLLECTION = "careerbot-all-minilm-l6-v2-384"


@pytest.fixture(scope="module")
def feedback_app(
    tmp_path_factory: pytest.TempPathFactory, postgres: str
) -> Iterator[tuple[str, AnswerLog]]:
    """The app (`python app.py`) with its database in PostgreSQL, and a log reading it."""
    url = fresh_database(postgres, "feedback_app")
    database = Database(Settings(database_url=url))
    with running_app(tmp_path_factory.mktemp("feedback"), CAREERBOT_DATABASE_URL=url) as base:
        yield base, AnswerLog(database, COLLECTION, Settings(database_url=url))
    database.close()


def until(check: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.1)


def test_rating_through_the_api(feedback_app: tuple[str, AnswerLog]) -> None:
    base, log = feedback_app
    asked = httpx.post(f"{base}/api/ask", json={"question": QUESTION}, timeout=60).json()
    answer_id = asked["answer_id"]
    (logged,) = [a for a in log.answers() if a.id == answer_id]
    assert logged.question == QUESTION and logged.channel == "api" and logged.latency_ms > 0
    assert logged.top_section and logged.generation  # what it was answered from, and when

    body = {"answer_id": answer_id, "rating": "down", "comment": "No <b>exam fees</b>."}
    got = httpx.post(f"{base}/api/feedback", json=body, timeout=30)
    assert got.status_code == 200 and got.json() == {"answer_id": answer_id, "rating": "down"}
    (rating,) = [r for r in log.ratings() if r.answer_id == answer_id]
    assert rating.comment == "No <b>exam fees</b>." and rating.question == QUESTION
    assert [c["n"] for c in rating.citations] == [c["n"] for c in asked["citations"]]

    unknown = httpx.post(f"{base}/api/feedback", json={**body, "answer_id": "ab" * 16})
    assert unknown.status_code == 404 and "unknown" in unknown.json()["error"]
    for bad in ({**body, "rating": "meh"}, {**body, "answer_id": "../x"}, {"rating": "up"}):
        got = httpx.post(f"{base}/api/feedback", json=bad, timeout=30)
        assert got.status_code == 422 and got.json()["error"], bad
    assert httpx.get(f"{base}/api/feedback", timeout=30).status_code == 405


def test_rating_with_the_chat_thumbs(feedback_app: tuple[str, AnswerLog], tmp_path: Path) -> None:
    base, log = feedback_app
    before = len(log.ratings())
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.set_default_timeout(90_000)
        page.goto(base, wait_until="domcontentloaded")
        box = page.get_by_placeholder("Ask a career question…")
        box.fill("Which cloud should my first certification be on?")
        box.press("Enter")
        page.locator(".message a[href*='/articles/']").first.wait_for(timeout=60_000)
        page.get_by_role("button", name="Dislike").last.click()

        def rated() -> list[Rating]:
            return log.ratings()[before:]

        until(lambda: len(rated()) == 1)
        assert rated()[0].rating == "down" and rated()[0].comment == ""
        comment = page.get_by_label("Thanks, noted. Tell us more (optional):")
        comment.fill("Which exam first?")
        page.get_by_role("button", name="Send").click()
        until(lambda: [r.comment for r in rated()] == ["Which exam first?"])  # replaced, not added
        page.screenshot(path=str(tmp_path / "rated.png"))
    (rating,) = rated()
    assert rating.question == "Which cloud should my first certification be on?"
    assert rating.citations and rating.generation
