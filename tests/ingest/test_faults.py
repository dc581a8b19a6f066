"""Faults of a 200-article index while it serves: ``kill -9`` of a real ``careerbot ingest``
at three points (two mid-write, one in "Finishing the index"), and a deleted vector segment.

One corpus is embedded once for the module (``base``); each test works on a copy of it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.errors import IndexStateError
from careerbot.settings import Settings
from careerbot.store.collection import forget_cached_clients
from tests.corpora import copied_corpus

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]  # one 1480-chunk embedding
COPIES = 40  # 200 articles, 1480 chunks: past Chroma's HNSW sync threshold (1000)
QUESTIONS = (
    "Which cloud certification should I get first?",
    "Does an ML engineer earn more than a data scientist?",
    "How do junior developers get hired in 2026?",
)


def redate(corpus: Path, day: str) -> None:
    """A new ``updated`` date in every article: every chunk moves to a new stored id (its
    vector reused), so a re-ingest writes 1480 chunks and then deletes 1480."""
    for path in corpus.glob("*.md"):
        text = re.sub(r"^updated: .+$", f"updated: {day}", path.read_text(), count=1, flags=re.M)
        path.write_text(text)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, model_cache: Path) -> Path:
    """A folder with ``corpus/`` and ``data/`` (its finished index), built once."""
    root = tmp_path_factory.mktemp("faults-base")
    corpus = copied_corpus(root / "corpus", COPIES)
    settings = Settings(data_dir=root / "data", corpus_dir=corpus, model_cache_dir=model_cache)
    bot = CareerBot(settings, embedder=embedder)
    assert bot.store.count() == 37 * COPIES
    forget_cached_clients()
    return root


def _cache() -> Path:
    return Path(os.environ["CAREERBOT_MODEL_CACHE_DIR"])


@pytest.fixture
def work(base: Path, tmp_path: Path) -> Path:
    """A copy of ``base`` for one test."""
    shutil.copytree(base / "corpus", tmp_path / "corpus")
    shutil.copytree(base / "data", tmp_path / "data")
    return tmp_path


def env_for(data: Path, corpus: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREERBOT_")}
    return env | {
        "CAREERBOT_DATA_DIR": str(data),
        "CAREERBOT_CORPUS_DIR": str(corpus),
        "CAREERBOT_MODEL_CACHE_DIR": str(_cache()),
        "CAREERBOT_INDEX_BATCH_SIZE": "16",
    }


def count_rows(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:
        return -1  # locked or not there yet: ask again


class Readers:
    """A reader thread asking questions and checking health in a loop, as a server would."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.bot = CareerBot(settings, embedder=embedder, build_if_missing=False)
        self.client = TestClient(_app(self.bot))
        self.errors: list[str] = []
        self.asked = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        n = 0
        while not self._stop.is_set():
            question = QUESTIONS[n % len(QUESTIONS)]
            n += 1
            try:
                got = self.client.post("/api/ask", json={"question": question})
                if got.status_code != 200 or not got.json()["answer"]:
                    self.errors.append(f"ask {got.status_code}: {got.text[:300]}")
                health = self.client.get("/api/health")
                if health.status_code != 200:
                    self.errors.append(f"health {health.status_code}: {health.text[:300]}")
            except Exception as exc:  # noqa: BLE001 - every failure is what the test looks for
                self.errors.append(f"{type(exc).__name__}: {exc}")
            self.asked += 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(60)


def _app(bot: CareerBot):  # noqa: ANN202 - the FastAPI app, without gradio's chat
    from fastapi import FastAPI

    from careerbot.web.api import add_error_handler, api_router

    app = FastAPI()
    add_error_handler(app, bot.settings.data_dir)
    app.include_router(api_router(bot))
    return app


@pytest.fixture
def readers(work: Path, embedder: Embedder) -> Iterator[Readers]:
    settings = Settings(data_dir=work / "data", corpus_dir=work / "corpus")
    r = Readers(settings, embedder)
    try:
        yield r
    finally:
        r.stop()


def killed_ingest(env: dict[str, str], log: Path, *, until: object) -> int:
    """A real ``careerbot ingest``, SIGKILLed once ``until()`` is true (its stderr in ``log``)."""
    with log.open("w") as errors:
        proc = subprocess.Popen(
            [sys.executable, "-m", "careerbot", "ingest", "--json"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    deadline = time.monotonic() + 240
    while proc.poll() is None and time.monotonic() < deadline:
        if until():  # type: ignore[operator]
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    return proc.wait()


def test_kill_9_at_three_points_of_a_re_ingest_while_answering(
    work: Path, embedder: Embedder, readers: Readers
) -> None:
    data, corpus = work / "data", work / "corpus"
    env = env_for(data, corpus)
    records = data / "records.sqlite3"
    chroma = data / "chroma" / "chroma.sqlite3"
    total = 37 * COPIES
    rows = "SELECT count(*) FROM embeddings"
    recorded = "SELECT count(*) FROM records"
    redate(corpus, "2026-04-01")
    peak = [0]

    def deleting() -> bool:  # "Finishing the index": the writes are done, deletes started
        now = count_rows(chroma, rows)
        peak[0] = max(peak[0], now)
        return peak[0] > total and 0 <= now < peak[0]

    points = {
        "early writes": lambda: count_rows(records, recorded) >= total + 160,
        "late writes": lambda: count_rows(records, recorded) >= total + 960,
        "finishing": deleting,
    }
    for name, until in points.items():
        log = work / f"{name}.log"
        code = killed_ingest(env, log, until=until)
        assert code == -signal.SIGKILL, f"{name}: not killed ({code}): {log.read_text()}"
        # A restarted reader answers too, its keyword index in step with what is stored.
        forget_cached_clients()
        restarted = CareerBot(
            Settings(data_dir=data, corpus_dir=corpus), embedder=embedder, build_if_missing=False
        )
        assert restarted.ask(QUESTIONS[0]).citations, name
        assert restarted.health()["status"] == "ok"
        assert restarted.lexical is not None and restarted.lexical.in_step
        keys = Counter(str(m["chunk_key"]) for m in restarted.store.stored().values())
        assert len(keys) == total and max(keys.values()) <= 2, name  # old and/or new version
    assert peak[0] > total, "the last kill did not land after the writes"
    done = subprocess.run(
        [sys.executable, "-m", "careerbot", "ingest", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    time.sleep(2)  # the readers see the new stamp
    readers.stop()
    assert readers.asked > 10
    assert sorted(set(readers.errors)) == []
    forget_cached_clients()
    final = CareerBot(Settings(data_dir=data, corpus_dir=corpus), embedder=embedder)
    stored = final.store.stored().values()
    keys = Counter(str(m["chunk_key"]) for m in stored)
    assert len(keys) == total and max(keys.values()) == 1  # no duplicates
    assert {m["updated"] for m in stored} == {"2026-04-01"}
    assert final.health()["keyword_index"] == "in step"


def hnsw_folders(data: Path) -> list[Path]:
    return [p for p in (data / "chroma").iterdir() if p.is_dir()]


def test_a_deleted_vector_segment_fails_health_and_ingest_repairs_it(
    work: Path, embedder: Embedder
) -> None:
    data, corpus = work / "data", work / "corpus"
    (segment,) = hnsw_folders(data)
    shutil.rmtree(segment)
    forget_cached_clients()
    bot = CareerBot(
        Settings(data_dir=data, corpus_dir=corpus), embedder=embedder, build_if_missing=False
    )
    client = TestClient(_app(bot))
    got = client.get("/api/health")
    assert got.status_code == 503, got.text
    assert "vector segment" in got.json()["error"] and "careerbot ingest" in got.json()["error"]
    with pytest.raises(IndexStateError):
        bot.health()
    done = subprocess.run(
        [sys.executable, "-m", "careerbot", "ingest"],
        env=env_for(data, corpus),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "Repaired" in done.stderr and f"{37 * COPIES} stored chunks" in done.stderr
    time.sleep(1.1)  # past the health cache
    healed = client.get("/api/health")
    assert healed.status_code == 200, healed.text
    assert healed.json()["chunks"] == 37 * COPIES
    assert bot.ask(QUESTIONS[1]).citations
