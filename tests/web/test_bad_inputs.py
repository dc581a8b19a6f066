"""Bad input across the chat (gradio_client), the HTTP API (httpx) and the CLI (subprocess):
each gets a clear message, never a 500 or a traceback, and the server stays healthy and small."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import httpx
import psutil
import pytest
from gradio_client import Client

from tests.conftest import REPO
from tests.web.chat_reply import text_of
from tests.web.serving import healthy, rss_mb, server_process

pytestmark = pytest.mark.slow

HUGE = "pay " * 50_000
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def baseline(app_server: str) -> tuple[psutil.Process, float]:
    """The server's process and its memory after one answer, before any bad input."""
    httpx.post(f"{app_server}/api/ask", json={"question": "Which role pays more?"}, timeout=60)
    process = server_process(app_server)
    return process, rss_mb(process)


# (method, path, body: JSON value | raw bytes | None, status, the words the message must have)
API_CASES: list[tuple[str, str, Any, int, str]] = [
    ("POST", "/api/ask", {"question": ""}, 422, "type a question"),
    ("POST", "/api/ask", {"question": " \n\t "}, 422, "type a question"),
    ("POST", "/api/ask", {"question": HUGE}, 422, "the limit is 2,000"),
    ("POST", "/api/ask", {"question": "pay\x00\x1b[31m"}, 422, "control character"),
    ("POST", "/api/ask", {"question": "pay\u202eyap"}, 422, "control character"),
    ("POST", "/api/ask", {"question": 42}, 422, "question: Input should be a valid string"),
    ("POST", "/api/ask", {"question": None}, 422, "question"),
    ("POST", "/api/ask", {}, 422, "question: Field required"),
    ("POST", "/api/ask", {"question": "pay?", "history": "hi"}, 422, "history"),
    ("POST", "/api/ask", {"question": "pay?", "history": [1, 2]}, 422, "history"),
    ("POST", "/api/ask", {"question": "pay?", "history": [{"content": "x" * 9000}]}, 422, "8,000"),
    ("POST", "/api/ask", {"question": "pay?", "history": [{"role": "user"}] * 101}, 422, "100"),
    ("POST", "/api/ask", {"question": "pay?", "history": [{"c": "x" * 11_000_000}]}, 413, "body"),
    ("POST", "/api/ask", [{"question": "pay?"}], 422, "Invalid request"),
    ("POST", "/api/ask", b'{"question": "pay",}', 422, "not valid JSON (at line 1, column 20)"),
    ("POST", "/api/ask", b'{"question":\n "pay"', 422, "not valid JSON (at line 2, column 7)"),
    ("POST", "/api/ask", b'{"question": "pay\xff\xfe"}', 422, "UTF-8"),
    ("POST", "/api/ask", b"", 422, "body"),
    ("POST", "/api/ask", b"[" * 100_000, 422, "JSON"),
    ("GET", "/api/ask", None, 405, "use POST"),
    ("DELETE", "/api/health", None, 405, "use GET"),
    ("PUT", "/api/retrieve", None, 405, "use GET"),
    ("GET", "/api/nope", None, 404, "The routes are"),
    ("GET", "/api/retrieve", None, 422, "q: Field required"),
    ("GET", "/api/retrieve?q=pay&k=0", None, 422, "k: Input should be greater than"),
    ("GET", "/api/retrieve?q=pay&k=51", None, 422, "k: Input should be less than"),
    ("GET", "/api/retrieve?q=pay&k=many", None, 422, "k: Input should be a valid integer"),
    ("GET", "/api/retrieve?q=pay&updated_after=soon", None, 422, "updated_after"),
    ("GET", "/api/retrieve?q=pay&updated_after=2026-13-45", None, 422, "updated_after"),
    ("GET", "/api/retrieve?q=%00%01", None, 422, "control character"),
    ("GET", "/api/retrieve?q=" + "x" * 3000, None, 422, "the limit is 2,000"),
    ("POST", "/gradio_api/upload", b"--x--", 403, "text only"),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "words"), API_CASES)
def test_api_bad_input_gets_a_clear_json_error(
    app_server: str,
    baseline: tuple[psutil.Process, float],
    method: str,
    path: str,
    body: Any,
    status: int,
    words: str,
) -> None:
    raw = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    got = httpx.request(method, app_server + path, content=raw, headers=JSON, timeout=60)
    assert got.status_code == status, got.text[:300]
    message = got.json()["error"]
    assert words.lower() in message.lower() and "Traceback" not in message


@pytest.mark.parametrize(
    "path",
    [
        "/articles/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/articles/..%2f..%2fREADME.md",
        "/articles/....//....//etc/passwd",
        "/articles/%00",
    ],
)
def test_article_traversal_is_a_404(app_server: str, path: str) -> None:
    got = httpx.get(app_server + path, timeout=30)
    assert got.status_code == 404
    assert "[project]" not in got.text and "root:" not in got.text


def test_an_unknown_article_filter_finds_nothing(app_server: str) -> None:
    got = httpx.get(f"{app_server}/api/retrieve", params={"q": "pay", "article": "../x"})
    assert got.status_code == 200 and got.json()["passages"] == []


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("", "question"),
        ("   \n ", "question"),
        ("x" * 100_000, "the limit is 2,000"),
        ("\x00\x01\x02 pay", "control character"),
        ("pay\u202eyap", "control character"),
    ],
)
def test_chat_bad_input_gets_a_clear_message(
    app_server: str, baseline: tuple[psutil.Process, float], question: str, words: str
) -> None:
    client = Client(app_server, verbose=False)
    with pytest.raises(Exception) as info:
        client.predict(question, api_name="/chat")
    assert words.lower() in str(info.value).lower() and "Traceback" not in str(info.value)


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["ask", ""], 1, "Error: Please type a question"),
        (["ask", "  \t "], 1, "Error: Please type a question"),
        (["ask", "x" * 5000], 1, "the limit is 2,000"),
        (["ask", "pay\x07\x1b"], 1, "control character"),
        (["retrieve", "pay", "-k", "0"], 2, "Invalid value for '-k'"),
        (["retrieve", "pay", "-k", "many"], 2, "parse string as an integer"),
        (["ask"], 2, "Missing argument"),
        (["ask", "pay?", "--colour"], 2, "No such option"),
    ],
)
def test_cli_bad_input_is_one_error_not_a_traceback(args: list[str], code: int, words: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "careerbot", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert result.returncode == code
    assert words in re.sub(r"\s+", " ", result.stderr) and "Traceback" not in result.stderr


def test_after_all_that_the_server_is_healthy_and_no_bigger(
    app_server: str, baseline: tuple[psutil.Process, float]
) -> None:
    process, before = baseline
    assert healthy(app_server)
    assert "[1]" in text_of(
        Client(app_server, verbose=False).predict("Which role pays more?", api_name="/chat")
    )
    assert rss_mb(process) - before < 50
