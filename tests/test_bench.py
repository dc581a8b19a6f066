"""``python -m bench`` end to end at a tiny size, and its skip path when memory/disk is short."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bench import naive_pipeline
from bench.common import Budget
from bench.distractors import DOCS
from tests.conftest import REPO


def run_bench(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    out = tmp_path / "bench.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO)])
    # its own session, so a timeout also ends the app process the bench starts
    with subprocess.Popen(
        [sys.executable, "-m", "bench", *args, "--json", str(out)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as popen:
        try:
            stdout, stderr = popen.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            os.killpg(popen.pid, signal.SIGKILL)
            raise
    proc = subprocess.CompletedProcess(popen.args, popen.returncode, stdout, stderr)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc, json.loads(out.read_text())


@pytest.mark.slow  # several seconds: a throwaway index, a subprocess or a kernel
def test_a_size_that_does_not_fit_is_skipped_with_what_it_needs(tmp_path: Path) -> None:
    proc, result = run_bench(
        tmp_path, "--sizes", "100k", "--skip", "ingest,compare,coldstart", "--budget-gb", "2"
    )
    assert "skipped 100k: needs ~2.50 GB of free memory" in proc.stdout
    assert result["sizes_measured"] == []
    assert any(s.startswith("skipped 100k: needs ~") for s in result["skipped"])


def test_the_budget_check_names_memory_then_disk(tmp_path: Path) -> None:
    assert Budget(None).check("1k", tmp_path, memory=1000, disk=1000) is None
    tiny = Budget(10_000_000)
    assert tiny.check("1k", tmp_path, memory=20_000_000, disk=0) == (
        "skipped 1k: needs ~0.02 GB of free memory, 0.01 GB available"
    )
    assert "free disk" in str(tiny.check("1k", tmp_path, memory=0, disk=20_000_000))


@pytest.mark.slow  # every bench stage, an app server included
@pytest.mark.skipif(not DOCS.is_dir(), reason=f"needs Debian's python3-doc ({DOCS})")
def test_a_quick_run_measures_every_figure(tmp_path: Path) -> None:
    proc, result = run_bench(tmp_path, "--quick", "--sizes", "200")
    figures = {name: cb for name, cb, _ in result["rows"]}
    assert result["sizes_measured"] == [200]
    assert figures["200: retrieve k=5 p95 ms"] > 0 and figures["200: extractive ask p95 ms"] > 0
    assert figures["ingest 5 articles: chunks/s"] > 0
    assert 0 < figures["app ready s (careerbot: /api/health 200)"] < 300
    assert 100 < figures["peak RSS MB (VmHWM)"] < 10_000
    assert "| figure" in proc.stdout and "cb/naive" in proc.stdout
    assert {t[0] for t in result["targets"]} >= {"app ready <= 5 s", "ingest >= 100 chunks/s"}


def test_the_foreign_corpus_is_installed_readmes_as_articles_with_sections(
    tmp_path: Path,
) -> None:
    from bench.foreign import foreign_corpus, installed_readmes
    from careerbot.sources import load_corpus

    readmes = installed_readmes()
    assert readmes and "careerbot" not in {r.name.lower() for r in readmes}
    assert [len(r.text) for r in readmes] == sorted((len(r.text) for r in readmes), reverse=True)
    corpus = load_corpus(foreign_corpus(tmp_path / "c", 3, offset=1))
    assert not corpus.errors
    assert [a.slug for a in corpus.articles] == sorted(
        re.sub(r"[^a-z0-9]+", "-", r.name.lower()).strip("-") for r in readmes[1:4]
    )
    assert all(a.sections for a in corpus.articles)


@pytest.mark.slow  # four cold ingests in child processes, two of them the naive pipeline
def test_compare_measures_both_corpora_with_rss_and_the_split(tmp_path: Path) -> None:
    out = tmp_path / "compare.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO)])
    args = ["--corpus", "own,foreign", "--copies", "1", "--limit", "2", "--offset", "60"]
    proc = subprocess.run(
        [sys.executable, "bench/compare.py", *args, "--runs", "1", "--json", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = {r["label"]: r for r in json.loads(out.read_text())}
    assert set(results) == {"own", "foreign"}
    for result in results.values():
        (run,) = result["careerbot"]
        assert run["chunks"] > 0 and run["seconds"] > 0 and 100 < run["peak_rss_mb"] < 10_000
        assert run["split"]["model (run and pooling)"] > 0
        assert run["padded_tokens"] >= run["tokens"] > 0
        if naive_pipeline.available():
            assert result["naive"][0]["chunks"] > 0
    assert "foreign: peak RSS MB of the ingest" in proc.stdout
    assert "| model (run and pooling) |" in proc.stdout
