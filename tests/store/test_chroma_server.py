"""The same code against a real `chroma run` server instead of embedded Chroma."""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.errors import IndexMissingError, IndexStateError, SearchServerUnreachableError
from careerbot.settings import Settings
from careerbot.store.connection import connect
from tests.conftest import CORPUS, free_port, start_chroma

pytestmark = pytest.mark.slow


def test_bot_builds_and_answers_over_a_chroma_server(
    chroma_server: tuple[str, int], embedder: Embedder
) -> None:
    host, port = chroma_server
    settings = Settings(chroma_host=host, chroma_port=port, corpus_dir=CORPUS)
    bot = CareerBot(settings, embedder=embedder, build_if_missing=True)  # an editor's bot
    assert bot.last_ingest is not None and bot.last_ingest.articles == 5
    assert not settings.chroma_path.exists()  # nothing embedded on local disk
    answer = bot.ask("Which cloud should my first certification be on?")
    assert answer.citations[0].url.startswith(
        "https://careers.example.com/articles/cloud-certifications-worth-it-2026#"
    )
    again = CareerBot(settings, embedder=embedder)
    assert again.last_ingest is None and again.ingest().embedded == 0


def test_a_reader_of_a_server_never_builds_the_index(
    chroma_server: tuple[str, int], embedder: Embedder
) -> None:
    """Readers are read-only in server mode: with no collection on the server, a reader says
    so (and what to run) instead of building one from its own corpus folder."""
    host, port = chroma_server
    settings = Settings(
        chroma_host=host, chroma_port=port, collection="nobody-ingested", corpus_dir=CORPUS
    )
    reader = CareerBot(settings, embedder=embedder)
    assert reader.last_ingest is None
    with pytest.raises(IndexMissingError, match="careerbot ingest"):
        reader.health()
    with pytest.raises(IndexMissingError, match="careerbot ingest"):
        reader.ask("Which cloud should my first certification be on?")
    assert reader.store.handle.find() is None  # nothing was created on the server


def test_unreachable_server_says_what_to_do(embedder: Embedder) -> None:
    settings = Settings(chroma_host="127.0.0.1", chroma_port=free_port(), corpus_dir=CORPUS)
    with pytest.raises(IndexStateError, match="chroma run"):
        CareerBot(settings, embedder=embedder, build_if_missing=True)
    with pytest.raises(IndexStateError, match="unreachable"):
        CareerBot(settings, embedder=embedder).health()


@contextmanager
def silent_server() -> Iterator[int]:
    """A loopback port that accepts connections and never answers (a hung server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


def test_a_server_that_never_answers_is_unreachable_within_the_timeout(
    embedder: Embedder,
) -> None:
    """chromadb's client waits forever by default; with chroma_timeout a reader is told the
    server is unreachable (and that careerbot keeps trying) instead of hanging."""
    with silent_server() as port:
        settings = Settings(
            chroma_host="127.0.0.1", chroma_port=port, chroma_timeout=1, corpus_dir=CORPUS
        )
        reader = CareerBot(settings, embedder=embedder)
        for call in (reader.health, lambda: reader.ask("Which cloud should I certify on?")):
            started = time.monotonic()
            with pytest.raises(SearchServerUnreachableError, match="did not answer within 1 s"):
                call()
            # One timeout, not one per retry; the second call fails at once.
            assert time.monotonic() - started < 2.5


def test_calls_to_a_server_have_the_timeout(chroma_server: tuple[str, int]) -> None:
    """chromadb has no setting for it: the client's httpx session gets it once made.
    Reaching into chromadb's client: this fails if an upgrade moves the session."""
    host, port = chroma_server
    client = connect(Settings(chroma_host=host, chroma_port=port, chroma_timeout=7))
    assert client.heartbeat() > 0
    timeout = client._server._session.timeout  # type: ignore[attr-defined]
    assert (timeout.read, timeout.connect) == (7.0, 5.0)


def test_a_server_paused_mid_use_times_out_then_answers_again(
    tmp_path: Path, embedder: Embedder
) -> None:
    """A connected reader whose server stops answering (SIGSTOP: it still holds its socket)
    gets a 503-style error within about the timeout, then answers once it is resumed."""
    port = free_port()
    proc = start_chroma(tmp_path / "db", port, tmp_path / "chroma.log")
    try:
        settings = Settings(
            chroma_host="127.0.0.1", chroma_port=port, chroma_timeout=2, corpus_dir=CORPUS
        )
        bot = CareerBot(settings, embedder=embedder, build_if_missing=True)
        question = "Which cloud should my first certification be on?"
        assert bot.ask(question).citations
        proc.send_signal(signal.SIGSTOP)
        try:
            started = time.monotonic()
            with pytest.raises(SearchServerUnreachableError, match="did not answer within 2 s"):
                bot.ask(question)
            assert time.monotonic() - started < 8  # one timeout (a search makes a few calls)
        finally:
            proc.send_signal(signal.SIGCONT)
        assert bot.ask(question).citations
    finally:
        proc.terminate()
        proc.wait(timeout=20)
