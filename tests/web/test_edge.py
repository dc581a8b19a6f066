"""The web app's edge over real HTTP: oversized history, uploads, headers, a bounded queue."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from tests.conftest import running_app
from tests.web.chat_reply import text_of
from tests.web.serving import healthy, rss_mb, server_process

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def edge_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app with its own Gradio temp folder, one answer at a time and one reader waiting."""
    data = tmp_path_factory.mktemp("edge")
    uploads = data / "gradio-tmp"
    uploads.mkdir()
    env = {
        "GRADIO_TEMP_DIR": str(uploads),
        "CAREERBOT_WEB_CONCURRENCY": "1",
        "CAREERBOT_QUEUE_MAX_SIZE": "1",
    }
    with running_app(data, **env) as base:
        yield base, uploads


def test_a_10_mb_history_is_refused_fast_without_growing_the_server(
    edge_server: tuple[str, Path],
) -> None:
    base, _ = edge_server
    process = server_process(base)
    ask = f"{base}/api/ask"
    httpx.post(ask, json={"question": "Which role pays more?"}, timeout=60)  # warm
    before = rss_mb(process)
    cases = [  # (history, status, words in the message)
        ([{"role": "user", "content": "x" * 10_000_000}], 413, "shorter history"),
        ([{"role": "user", "content": "x" * 5_000_000}], 422, "limit is 8,000"),
        ([{"role": "user", "content": "pay?"}] * 2000, 422, "limit is 100"),
    ]
    for history, status, words in cases:
        started = time.monotonic()
        got = httpx.post(ask, json={"question": "and pay?", "history": history}, timeout=60)
        assert time.monotonic() - started < 3
        assert got.status_code == status and words in got.json()["error"]
    assert rss_mb(process) - before < 100
    fine = [{"role": "user", "content": "What does an ML engineer do?"}] * 100
    answer = httpx.post(ask, json={"question": "and pay?", "history": fine}, timeout=60)
    assert answer.status_code == 200 and answer.json()["citations"]


def test_uploads_are_refused_and_nothing_is_stored(edge_server: tuple[str, Path]) -> None:
    base, uploads = edge_server
    for path in ("/gradio_api/upload", "/gradio_api/upload/", "/gradio_api/upload?upload_id=x"):
        got = httpx.post(base + path, files={"files": ("a.html", b"<script>x</script>" * 1000)})
        assert got.status_code == 403 and "text only" in got.json()["error"]
    assert [p for p in uploads.rglob("*") if p.is_file()] == []
    assert healthy(base)


def test_security_headers_on_every_kind_of_page(edge_server: tuple[str, Path]) -> None:
    base, _ = edge_server
    paths = ["/", "/api/health", "/api/retrieve?q=pay", "/articles", "/articles/nope"]
    paths += ["/articles/ml-engineer-vs-data-scientist-2026", "/gradio_api/info"]
    for path in paths:
        headers = httpx.get(base + path, timeout=30).headers
        assert "frame-ancestors 'self'" in headers["content-security-policy"], path
        assert "object-src 'none'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin", path


def test_past_the_queue_readers_are_told_it_is_busy(edge_server: tuple[str, Path]) -> None:
    base, _ = edge_server
    client = Client(base, verbose=False)
    errors: list[str] = []
    answers: list[object] = []

    def reader() -> None:
        try:
            answers.append(client.predict("What does an ML engineer do?", api_name="/chat"))
        except Exception as exc:  # the client raises QueueError past the queue
            errors.append(str(exc))

    readers = [threading.Thread(target=reader) for _ in range(12)]
    for r in readers:
        r.start()
    for r in readers:
        r.join(timeout=120)
    assert errors and all("Queue is full" in e and "try again" in e for e in errors)
    assert answers  # the readers who got a place were answered
    assert "[1]" in text_of(client.predict("Which role pays more?", api_name="/chat"))
