"""Shared fixtures: the real model (once per session), a tmp data dir per test, real servers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

import careerbot  # noqa: F401  (sets hub-offline variables before anything imports the hub)
from careerbot.bot import CareerBot
from careerbot.embeddings import Embedder
from careerbot.settings import Settings

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own data dir and the real corpus, whatever the shell had set."""
    for key in list(os.environ):
        if key.startswith("CAREERBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("CAREERBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CAREERBOT_CORPUS_DIR", str(CORPUS))


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real bundled model, loaded once."""
    return Embedder()


@pytest.fixture
def settings() -> Settings:
    """Settings from the (isolated) environment."""
    return Settings()


@pytest.fixture(scope="session")
def shared_bot(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> CareerBot:
    """A bot over the real corpus, built once, for tests that only read."""
    data = tmp_path_factory.mktemp("shared-data")
    return CareerBot(Settings(data_dir=data, corpus_dir=CORPUS), embedder=embedder)


@pytest.fixture(scope="session")
def section_questions() -> list[dict[str, str]]:
    """Paraphrased questions, each with the article and section that answers it."""
    return yaml.safe_load((DATA / "section_questions.yaml").read_text())


@pytest.fixture(scope="session")
def offtopic_questions() -> list[str]:
    """Questions the articles cannot answer (clearly off-topic ones first, near misses after)."""
    return yaml.safe_load((DATA / "offtopic_questions.yaml").read_text())


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 180) -> None:
    """Poll ``url`` until it answers 200, failing early (with the log) if ``proc`` dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise RuntimeError(f"server not ready after {timeout}s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app (`careerbot serve`) on a free loopback port, first run with no index."""
    data = tmp_path_factory.mktemp("server-data")
    port = free_port()
    log = data / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "GRADIO_"))}
    env |= {"CAREERBOT_DATA_DIR": str(data / "index"), "CAREERBOT_CORPUS_DIR": str(CORPUS)}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, str(REPO / "app.py"), "--port", str(port)],
            cwd=data,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/api/health", proc, log)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real `chroma run` server on a free loopback port."""
    data = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log = data / "chroma.log"
    chroma = Path(sys.executable).with_name("chroma")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(chroma), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/api/v2/heartbeat", proc, log, timeout=60)
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        proc.wait(timeout=20)
