"""The ``openai`` backend against a real llama.cpp server on loopback, and against servers that
misbehave: down, silent, garbage, empty, and killed mid-answer."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest
from typer.testing import CliRunner

from careerbot.answering.backends import choose_answerer
from careerbot.answering.llm import LLMAnswerer
from careerbot.bot import CareerBot
from careerbot.cli.app import app
from careerbot.embedding.embedder import Embedder
from careerbot.settings import Settings
from careerbot.types import Answer
from tests.answering.test_llamacpp import QUESTION, assert_markers_backed, collect
from tests.conftest import LLM_TEST_SETTINGS, LlamaServer, free_port

pytestmark = pytest.mark.slow


def openai_settings(base_url: str, **overrides: object) -> Settings:
    return Settings(
        llm="openai",
        llm_base_url=base_url,
        llm_model="smollm2",
        **{**LLM_TEST_SETTINGS, **overrides},
    )


def answerer_for(settings: Settings, embedder: Embedder) -> LLMAnswerer:
    answerer = choose_answerer(settings, embedder).answerer
    assert isinstance(answerer, LLMAnswerer) and answerer.name == "openai"
    return answerer


def test_the_real_server_streams_checked_sentences_then_the_verified_answer(
    llama_server: LlamaServer, embedder: Embedder, shared_bot: CareerBot
) -> None:
    answerer = answerer_for(llama_server.settings(), embedder)
    pieces, answer = collect(answerer.stream(QUESTION, shared_bot.retrieve(QUESTION)))
    assert answer.backend in {"openai", "extractive"} and answer.text
    if answer.backend == "openai":  # checked sentences streamed: the start of the answer
        assert pieces and answer.text.startswith("".join(pieces))
    if answer.backend == "extractive":
        assert "could not answer (its answer cited none" in answer.notice
    assert_markers_backed(answer)


def test_ask_json_names_the_backend(
    llama_server: LlamaServer, monkeypatch: pytest.MonkeyPatch, shared_bot: CareerBot
) -> None:
    for key, value in {
        "LLM": "openai",
        "LLM_BASE_URL": llama_server.base_url,
        "LLM_MODEL": "smollm2",
        "LLM_MAX_TOKENS": "64",
        "DATA_DIR": str(shared_bot.settings.data_dir),
    }.items():
        monkeypatch.setenv(f"CAREERBOT_{key}", value)
    result = CliRunner().invoke(app, ["ask", "--json", QUESTION])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["backend"] in {"openai", "extractive"}
    assert (data["backend"] == "extractive") == bool(data["notice"])


def test_a_server_that_is_down_gives_quotes_and_a_notice(
    embedder: Embedder, shared_bot: CareerBot
) -> None:
    answerer = answerer_for(openai_settings(f"http://127.0.0.1:{free_port()}/v1"), embedder)
    pieces, answer = collect(answerer.stream(QUESTION, shared_bot.retrieve(QUESTION)))
    assert pieces == [] and answer.backend == "extractive"
    assert answer.notice == (
        "The language model could not answer (cannot reach the server); "
        "showing quotes from the articles instead."
    )
    assert "[1]" in answer.text and "Traceback" not in answer.text
    assert_markers_backed(answer)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback port that accepts connections and never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield f"http://127.0.0.1:{s.getsockname()[1]}/v1"


def test_a_silent_server_times_out(
    silent_server: str, embedder: Embedder, shared_bot: CareerBot
) -> None:
    answerer = answerer_for(openai_settings(silent_server, llm_timeout=0.5), embedder)
    _, answer = collect(answerer.stream(QUESTION, shared_bot.retrieve(QUESTION)))
    assert answer.backend == "extractive"
    assert "(no reply within 0.5 s)" in answer.notice
    assert_markers_backed(answer)


class Misbehaving:
    """A tiny HTTP server on loopback answering every POST with a fixed, wrong body."""

    def __init__(self, body: bytes, content_type: str) -> None:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


EMPTY_CHOICES = (
    b'data: {"id":"x","object":"chat.completion.chunk","created":0,"model":"m","choices":[]}\n\n'
    b"data: [DONE]\n\n"
)


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"<html>Bad gateway</html>", "text/html", "empty answer"),
        (b'{"not": "a completion"', "application/json", "empty answer"),
        (EMPTY_CHOICES, "text/event-stream", "empty answer"),
        (
            b'data: {"choices": [{"delta": {"content": "PWNED no sources here"}}]}\n\ndata: [DONE]\n\n',
            "text/event-stream",
            "cited none of the articles",
        ),
    ],
)
def test_garbage_and_empty_answers_fall_back(
    body: bytes, content_type: str, reason: str, embedder: Embedder, shared_bot: CareerBot
) -> None:
    server = Misbehaving(body, content_type)
    try:
        answerer = answerer_for(openai_settings(server.url), embedder)
        _, answer = collect(answerer.stream(QUESTION, shared_bot.retrieve(QUESTION)))
    finally:
        server.close()
    assert answer.backend == "extractive" and reason in answer.notice
    assert "PWNED" not in answer.text
    assert_markers_backed(answer)


def test_a_server_killed_mid_answer_falls_back(
    smollm2_gguf: Path, tmp_path: Path, embedder: Embedder, shared_bot: CareerBot
) -> None:
    server = LlamaServer(smollm2_gguf, tmp_path / "doomed.log")  # its own: this test kills it
    try:
        answerer = answerer_for(server.settings(llm_max_tokens=1024), embedder)
        stream = answerer.stream(QUESTION, shared_bot.retrieve(QUESTION))
        first = next(stream)
        assert isinstance(first, str)  # the answer had started
        server.proc.kill()
        server.proc.wait(timeout=20)
        rest = list(stream)
    finally:
        server.stop()
    answer = rest[-1]
    assert isinstance(answer, Answer) and answer.backend == "extractive"
    assert "(the connection broke mid-answer)" in answer.notice
    assert_markers_backed(answer)
