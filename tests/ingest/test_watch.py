"""`careerbot ingest --watch`: a real process re-ingests, once per burst of edits."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import CORPUS

pytestmark = pytest.mark.slow


class Reports:
    """JSON reports printed by the watcher (one pretty-printed object per run), read by a thread."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.queue: queue.Queue[dict] = queue.Queue()
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        lines: list[str] = []
        for line in proc.stdout:
            lines.append(line)
            if line.rstrip() == "}":
                self.queue.put(json.loads("".join(lines)))
                lines = []

    def next(self, timeout: float) -> dict | None:
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            return None


def test_watch_reingests_after_edits(tmp_path: Path) -> None:
    corpus = Path(shutil.copytree(CORPUS, tmp_path / "corpus"))
    env = {**os.environ, "CAREERBOT_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "careerbot", "ingest", str(corpus), "--watch", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watching = threading.Event()

    def read_stderr() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith("Watching"):
                watching.set()

    threading.Thread(target=read_stderr, daemon=True).start()
    try:
        reports = Reports(proc)
        first = reports.next(timeout=120)
        assert first and first["embedded"] == first["chunks"]
        assert watching.wait(timeout=30)
        time.sleep(0.5)  # the watcher starts right after printing
        path = corpus / "ml-engineer-vs-data-scientist-2026.md"
        original = path.read_text()
        for word in ("quite well", "very well", "really very well"):  # a burst of saves
            path.write_text(original.replace("Both pay well", f"Both pay {word}", 1))
            time.sleep(0.1)
        later = reports.next(timeout=60)
        assert later, "no re-ingest after the edits"
        assert later["embedded"] == 1 and later["updated"] == 1
        assert reports.next(timeout=3) is None  # one run for the burst, not three
    finally:
        proc.terminate()
        proc.wait(timeout=20)
