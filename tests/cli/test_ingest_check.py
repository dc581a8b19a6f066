"""``careerbot ingest --check``: blocked edits publish nothing (exit 4), harmless ones and
``--force`` publish; real model, real Chroma, a copy of the corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from careerbot.bot import CareerBot
from careerbot.cli.app import app
from careerbot.cli.check_cmd import EXIT_BLOCKED
from careerbot.embedding.embedder import Embedder
from careerbot.settings import Settings
from tests.conftest import CORPUS
from tests.evaluation.test_gate import (
    OFFER,
    PREMIUM,
    SALARY,
    small_gold,
    with_sentence,
    without_section,
)

runner = CliRunner()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """A corpus copy, its live index and a small gold file, built once; tests use copies."""
    root = tmp_path_factory.mktemp("check-live")
    shutil.copytree(CORPUS, root / "corpus")
    CareerBot(
        Settings(data_dir=root / "data", corpus_dir=root / "corpus"), embedder=embedder
    ).store.handle.disconnect()
    rows = [
        {"question": i.question, "slug": i.slug, "section": i.section}
        if i.answerable
        else {"question": i.question, "answerable": False}
        for i in small_gold()
    ]
    (root / "gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return root


@pytest.fixture
def live(pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the pristine corpus, index and gold file, which the CLI's settings
    point at; returns its folder."""
    root = Path(shutil.copytree(pristine, tmp_path / "live"))
    monkeypatch.setenv("CAREERBOT_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("CAREERBOT_CORPUS_DIR", str(root / "corpus"))
    return root


def stamp(root: Path) -> str:
    return "".join(p.read_text() for p in (root / "data").glob("*.stamp"))


def sections(root: Path, question: str, embedder: Embedder) -> list[str]:
    bot = CareerBot(Settings(), embedder=embedder, build_if_missing=False)
    return [p.section for p in bot.retrieve(question, k=3)]


def check(root: Path, *extra: str) -> object:
    return runner.invoke(app, ["ingest", "--check", "--gold", str(root / "gold.jsonl"), *extra])


@pytest.mark.slow  # several seconds: an index, the model loaded by the command
def test_check_blocks_a_removed_section_and_publishes_nothing(
    live: Path, embedder: Embedder
) -> None:
    article = live / "corpus" / f"{SALARY}.md"
    article.write_text(without_section(article.read_text(), PREMIUM))
    lost = [i.question for i in small_gold() if i.section == PREMIUM]
    before = stamp(live)

    result = check(live)

    assert result.exit_code == EXIT_BLOCKED, result.output
    assert "hit@3 dropped" in result.stderr and "Nothing was published" in result.stderr
    assert all(q in result.stderr for q in lost)
    assert "Answers that changed" in result.stdout and "before:" in result.stdout
    assert "Gold metrics" in result.stdout and "Traceback" not in result.output
    assert "Asking the new content" in result.stderr  # the progress bars
    assert stamp(live) == before
    assert PREMIUM in sections(live, lost[0], embedder)

    forced = check(live, "--force", "--json")
    assert forced.exit_code == 0, forced.output
    assert "Publishing despite the drop (--force): hit@3 dropped" in forced.stderr
    shown = json.loads(forced.stdout)
    assert shown["check"]["passed"] is False and shown["ingest"]["deleted"] >= 1
    assert stamp(live) != before
    assert PREMIUM not in sections(live, lost[0], embedder)


@pytest.mark.slow
def test_check_passes_a_harmless_edit_and_publishes_it(live: Path, embedder: Embedder) -> None:
    article = live / "corpus" / f"{SALARY}.md"
    sentence = "Recruiters in Wellington quote the same ranges."
    article.write_text(with_sentence(article.read_text(), OFFER, sentence))
    before = stamp(live)

    result = check(live)

    assert result.exit_code == 0, result.output
    assert "Check passed: publishing." in result.stderr
    assert "changed" in result.stdout and "Ingested" in result.stdout
    assert stamp(live) != before
    bot = CareerBot(Settings(), embedder=embedder, build_if_missing=False)
    assert "Wellington" in bot.retrieve("Wellington recruiters ranges", k=1)[0].text


def test_check_needs_a_live_index_and_no_watch(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", "--check", "--watch"])
    assert result.exit_code == 2 and "not with --watch" in result.stderr
    result = runner.invoke(app, ["ingest", "--check"])
    assert result.exit_code == 1, result.output
    assert "run a plain `careerbot ingest` first" in result.stderr
    assert "Traceback" not in result.output
