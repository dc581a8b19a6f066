from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from careerbot.cli.app import EXIT_PARTIAL, app
from careerbot.settings import Settings
from tests.conftest import CORPUS, REPO

runner = CliRunner()


@pytest.mark.slow  # several seconds: a throwaway index, a subprocess or a kernel
def test_ask_json_has_the_documented_shape() -> None:
    result = runner.invoke(app, ["ask", "--json", "Which of the two roles pays better?"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {
        "answer",
        "question",
        "refused",
        "suggestions",
        "backend",
        "notice",
        "citations",
    } <= set(data)
    assert data["refused"] is False and data["backend"] == "extractive"
    assert "[1]" in data["answer"]
    assert {"n", "title", "section", "url", "snippet"} <= set(data["citations"][0])


@pytest.mark.slow  # several seconds: a fresh index, a slow page or a recall sweep
def test_retrieve_json_prints_k_passages() -> None:
    result = runner.invoke(
        app, ["retrieve", "--json", "-k", "5", "Is a cloud certification worth it?"]
    )
    assert result.exit_code == 0, result.output
    passages = json.loads(result.stdout)
    assert len(passages) == 5
    assert {"text", "title", "section", "url", "score"} <= set(passages[0])


def test_ingest_reports_and_is_idempotent() -> None:
    first = runner.invoke(app, ["ingest", "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["articles"] == 5 and report["embedded"] == report["chunks"] > 30
    second = json.loads(runner.invoke(app, ["ingest", "--json"]).stdout)
    assert second["embedded"] == 0 and second["unchanged"] == report["chunks"]
    table = runner.invoke(app, ["ingest", str(CORPUS)])
    assert table.exit_code == 0 and "0 embedded, 0 deleted" in table.stdout


def test_ingest_progress_says_when_embedding_is_done_and_the_index_is_finishing() -> None:
    result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 0, result.output
    # the bar's last frame: every section written, then deletes and the keyword index
    assert "Finishing the index (deletes, keyword index)" in result.stderr
    assert "Traceback" not in result.output


def test_missing_corpus_fails_clearly_and_keeps_the_index(tmp_path: Path) -> None:
    assert runner.invoke(app, ["ingest", "--json"]).exit_code == 0
    chunks = json.loads(runner.invoke(app, ["ingest", "--json"]).stdout)["chunks"]
    result = runner.invoke(app, ["ingest", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "does not exist" in result.stderr and "Traceback" not in result.output
    again = json.loads(runner.invoke(app, ["ingest", "--json"]).stdout)
    assert again["unchanged"] == chunks and again["embedded"] == 0


def test_a_bad_source_is_a_partial_failure(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.md").write_text("# Good\n\n## Pay\n\nML engineers earn well.\n")
    (corpus / "bad.md").write_bytes(b"# Bad\n\n\xff\xfe\n")
    result = runner.invoke(app, ["ingest", "--json", str(corpus)])
    assert result.exit_code == EXIT_PARTIAL
    report = json.loads(result.stdout)
    assert report["articles"] == 1 and "bad.md" in report["errors"][0]


@pytest.mark.parametrize("question", ["", "x" * 100_000, "\x07\x07\x07"])
def test_bad_questions_get_a_message_not_a_traceback(question: str) -> None:
    result = runner.invoke(app, ["ask", question])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:")
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_corrupt_index_message_says_how_to_rebuild(settings: Settings) -> None:
    assert runner.invoke(app, ["ingest", "--json"]).exit_code == 0
    (settings.chroma_path / "chroma.sqlite3").write_bytes(b"garbage" * 1000)
    proc = subprocess.run(
        [sys.executable, "-m", "careerbot", "ask", "Which role pays more?"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
    )
    assert proc.returncode == 1
    assert "careerbot ingest --rebuild" in proc.stderr and "Traceback" not in proc.stderr
    rebuilt = subprocess.run(
        [sys.executable, str(REPO / "ingest.py"), "--rebuild", "--json"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
    )
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert json.loads(rebuilt.stdout)["articles"] == 5


def test_serve_with_a_bad_port_variable_says_so() -> None:
    result = runner.invoke(app, ["serve"], env={"GRADIO_SERVER_PORT": "abc"})
    assert result.exit_code == 1
    assert "GRADIO_SERVER_PORT='abc' is not a port number" in result.stderr


def test_retrieve_prints_whole_absolute_links_and_filters() -> None:
    slug = "cloud-certifications-worth-it-2026"
    result = runner.invoke(app, ["retrieve", "-k", "3", "--article", slug, "Which role pays?"])
    assert result.exit_code == 0, result.output
    links = [line.strip() for line in result.stdout.splitlines() if "://" in line]
    # Each URL (longer than the 80-column console) on one line of its own, never wrapped.
    assert len(links) == 3 and all(len(u) > 80 for u in links)
    assert all(u.startswith(f"https://careers.example.com/articles/{slug}#") for u in links)
    bad = runner.invoke(app, ["retrieve", "--updated-after", "soon", "pay"])
    assert bad.exit_code == 1 and "updated_after" in bad.stderr
