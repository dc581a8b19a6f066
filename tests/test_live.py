"""New content reaches a running bot on its next question, without a restart."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.settings import Settings
from tests.conftest import CORPUS, REPO, free_port, wait_for_http

QUESTION = "What is the Quokka Guild credential for platform engineers?"
NEW_SECTION = """
## The Quokka Guild credential

The Quokka Guild credential is an invented certificate used only to test live updates. Platform
engineers earn it by running a service in production for a year.
"""


def add_section(corpus: Path) -> None:
    path = corpus / "cloud-certifications-worth-it-2026.md"
    text = path.read_text().replace("updated: 2026-01-23", "updated: 2026-11-28")
    marker = "## Sources"
    path.write_text(text.replace(marker, NEW_SECTION.strip() + "\n\n" + marker, 1))


def cli_ingest(env: dict[str, str]) -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "ingest.py"), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    corpus = Path(shutil.copytree(CORPUS, tmp_path / "corpus"))
    assert "updated: 2026-01-23" in (corpus / "cloud-certifications-worth-it-2026.md").read_text()
    return corpus


@pytest.mark.slow
def test_a_notebook_bot_sees_another_process_ingest(
    corpus_copy: Path, tmp_path: Path, embedder: Embedder
) -> None:
    settings = Settings(corpus_dir=corpus_copy, data_dir=tmp_path / "data")
    bot = CareerBot(settings, embedder=embedder)
    before = bot.ask(QUESTION)
    assert before.refused or all("Quokka" not in c.section for c in before.citations)

    add_section(corpus_copy)
    env = {
        **os.environ,
        "CAREERBOT_CORPUS_DIR": str(corpus_copy),
        "CAREERBOT_DATA_DIR": str(tmp_path / "data"),
    }
    cli_ingest(env)

    after = bot.ask(QUESTION)  # the same object, no restart
    assert not after.refused
    assert after.citations[0].section == "The Quokka Guild credential"
    assert after.citations[0].updated == "2026-11-28"


@pytest.fixture
def live_server(corpus_copy: Path, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "GRADIO_"))}
    env |= {"CAREERBOT_CORPUS_DIR": str(corpus_copy), "CAREERBOT_DATA_DIR": str(tmp_path / "data")}
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, str(REPO / "app.py"), "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/api/health", proc, log)
        yield base, env
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.slow
def test_a_running_app_answers_from_new_content(
    live_server: tuple[str, dict[str, str]], corpus_copy: Path
) -> None:
    base, env = live_server
    ask = lambda: httpx.post(f"{base}/api/ask", json={"question": QUESTION}, timeout=60).json()  # noqa: E731
    before = ask()
    assert before["refused"] or all("Quokka" not in c["section"] for c in before["citations"])
    add_section(corpus_copy)
    cli_ingest(env)
    after = ask()
    assert after["citations"][0]["section"] == "The Quokka Guild credential"
    assert after["citations"][0]["updated"] == "2026-11-28"
    page = httpx.get(f"{base}/articles/cloud-certifications-worth-it-2026", timeout=30).text
    assert 'id="the-quokka-guild-credential"' in page  # the article page is fresh too
