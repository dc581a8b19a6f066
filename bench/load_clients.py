"""The readers :mod:`bench.load` sends at the app: a started app, gradio_client chat readers,
readers on Gradio's queue protocol, and ``POST /api/ask`` clients."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from gradio_client import Client

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def started_app(data: Path) -> Iterator[str]:
    """``python app.py`` on a free loopback port, its index under ``data``; yields its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "GRADIO_"))}
    env |= {"CAREERBOT_DATA_DIR": str(data / "index"), "CAREERBOT_CORPUS_DIR": str(REPO / "corpus")}
    log = (data / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "app.py"), "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            raise RuntimeError(f"the app did not start: {(data / 'server.log').read_text()}")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def chat_ask(client: Client, question: str) -> None:
    """One chat question; raises unless the reply is a cited answer or a polite refusal."""
    reply = client.predict(question, api_name="/chat")
    if isinstance(reply, dict):  # the whole message: {"content", "options"} (web.chat)
        reply = reply.get("content")
    if not isinstance(reply, str) or not reply.strip():
        raise RuntimeError(f"empty reply to {question!r}")


class QueueReader:
    """A chat reader speaking Gradio's queue protocol directly (join, then the event stream),
    as the browser does: a few milliseconds of client CPU per question where gradio_client
    takes ~100, so a burst measures the server, not the load generator."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = httpx.Client(base_url=base, timeout=120)
        chat = next(
            d
            for d in self.http.get("/config").json()["dependencies"]
            if d.get("api_name") == "chat"
        )
        self.fn_index = chat["id"]

    def ask(self, question: str) -> None:
        """One question; raises unless the chat answered it."""
        session = uuid.uuid4().hex
        body = {"data": [question, []], "fn_index": self.fn_index, "session_hash": session}
        joined = self.http.post("/gradio_api/queue/join", json=body | {"event_data": None})
        if joined.status_code != 200:
            raise RuntimeError(f"join: HTTP {joined.status_code}: {joined.text[:120]}")
        with self.http.stream(
            "GET", "/gradio_api/queue/data", params={"session_hash": session}
        ) as s:
            for line in s.iter_lines():
                if line.startswith("data:"):
                    message = json.loads(line[5:])
                    if message.get("msg") == "process_completed":
                        if not message.get("success"):
                            raise RuntimeError(str(message.get("output"))[:200])
                        return
        raise RuntimeError("the event stream ended before the answer")


def chat_reader(base: str) -> Callable[[], Callable[[str], None]]:
    def make() -> Callable[[str], None]:
        client = Client(base, verbose=False)
        return lambda q: chat_ask(client, q)

    return make


def queue_reader(base: str) -> Callable[[], Callable[[str], None]]:
    def make() -> Callable[[str], None]:
        return QueueReader(base).ask

    return make


def api_client(base: str) -> Callable[[], Callable[[str], None]]:
    def make() -> Callable[[str], None]:
        http = httpx.Client(base_url=base, timeout=60)

        def ask(question: str) -> None:
            got = http.post("/api/ask", json={"question": question})
            if got.status_code != 200:
                raise RuntimeError(f"HTTP {got.status_code}: {got.text[:120]}")

        return ask

    return make
