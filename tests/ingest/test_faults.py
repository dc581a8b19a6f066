"""Faults of an index while it serves: ``kill -9`` of a real ``careerbot ingest`` of 200
articles at three points (two mid-write, one in "Finishing the index"), and a vector segment
deleted or torn.

Each corpus is embedded once for the module (``base``: 200 articles; ``small_base``: 20, its
vector segment written to disk every 100 chunks rather than Chroma's 1000); each test works on
a copy.
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
from careerbot.errors import IndexStateError, VectorSegmentError
from careerbot.settings import Settings
from careerbot.store.collection import CollectionHandle, forget_cached_clients
from careerbot.store.database import SQLITE_FILE
from careerbot.store.recovery import set_aside_vector_segments
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


SMALL_COPIES = 4  # 148 chunks


@pytest.fixture(scope="module")
def small_base(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, model_cache: Path
) -> Path:
    """Like ``base``, 20 articles; Chroma persists its vector segment past 100 writes (its own
    setting, at collection creation), so the segment's files exist on disk to damage."""
    root = tmp_path_factory.mktemp("faults-small-base")
    corpus = copied_corpus(root / "corpus", SMALL_COPIES)
    settings = Settings(data_dir=root / "data", corpus_dir=corpus, model_cache_dir=model_cache)
    configure = CollectionHandle.hnsw_configuration
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            CollectionHandle,
            "hnsw_configuration",
            lambda self: configure(self) | {"sync_threshold": 100, "batch_size": 100},
        )
        bot = CareerBot(settings, embedder=embedder)
    assert bot.store.count() == 37 * SMALL_COPIES
    forget_cached_clients()
    assert list((root / "data" / "chroma").glob("*/index_metadata.pickle"))
    return root


def _cache() -> Path:
    return Path(os.environ["CAREERBOT_MODEL_CACHE_DIR"])


def _copy(base: Path, to: Path) -> Path:
    shutil.copytree(base / "corpus", to / "corpus")
    shutil.copytree(base / "data", to / "data")
    return to


@pytest.fixture
def work(base: Path, tmp_path: Path) -> Path:
    """A copy of ``base`` for one test."""
    return _copy(base, tmp_path)


@pytest.fixture
def small_work(small_base: Path, tmp_path: Path) -> Path:
    """A copy of ``small_base`` for one test."""
    return _copy(small_base, tmp_path)


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


def ingest(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """A real ``careerbot ingest`` run to its end (its output captured)."""
    return subprocess.run(
        [sys.executable, "-m", "careerbot", "ingest", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def reader(data: Path, corpus: Path, embedder: Embedder) -> CareerBot:
    """A freshly started serving process's bot (it builds nothing)."""
    forget_cached_clients()
    return CareerBot(
        Settings(data_dir=data, corpus_dir=corpus), embedder=embedder, build_if_missing=False
    )


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
    records = data / SQLITE_FILE
    chroma = data / "chroma" / "chroma.sqlite3"
    total = 37 * COPIES
    rows = "SELECT count(*) FROM embeddings"
    recorded = "SELECT count(*) FROM records"
    day = "2026-04-01"
    redate(corpus, day)
    peak = [0]
    torn: list[str] = []

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
        try:
            restarted = reader(data, corpus, embedder)
            assert restarted.ask(QUESTIONS[0]).citations, name
        except VectorSegmentError as exc:
            # The kill landed while Chroma rewrote its vector segment's metadata in place, or
            # its files (both seen in CI): nothing reads until an ingest repairs it, and the
            # error says so.
            assert "vector segment" in str(exc) and "careerbot ingest" in str(exc)
            torn.append(name)
            repaired = ingest(env, "--json")
            assert repaired.returncode == 0, repaired.stderr
            assert "torn vector segment" in repaired.stderr
            restarted = reader(data, corpus, embedder)
            assert restarted.ask(QUESTIONS[0]).citations, name
            day = f"2026-04-{len(torn) + 1:02d}"
            redate(corpus, day)  # work again for the next kill
        assert restarted.health()["status"] == "ok"
        assert restarted.lexical is not None and restarted.lexical.in_step
        keys = Counter(str(m["chunk_key"]) for m in restarted.store.stored().values())
        assert len(keys) == total and max(keys.values()) <= 2, name  # old and/or new version
    assert peak[0] > total, "the last kill did not land after the writes"
    done = ingest(env, "--json")
    assert done.returncode == 0, done.stderr
    time.sleep(2)  # the readers see the new stamp
    readers.stop()
    assert readers.asked > 10
    # Only while a torn segment waited for its repair may a reader have been told to repair it;
    # while an ingest rewrites the collection under a reader's view (deletes old versions,
    # repairs it), a search may fail or find none for a moment (seen in about 1 run in 10),
    # and the reader is told to ask again.
    unexpected = [
        e
        for e in readers.errors
        if not (torn and "vector segment" in e) and "Ask again in a few seconds" not in e
    ]
    assert sorted(set(unexpected)) == []
    assert all(e.startswith(("ask 503", "health 503")) for e in readers.errors)
    forget_cached_clients()
    final = CareerBot(Settings(data_dir=data, corpus_dir=corpus), embedder=embedder)
    stored = final.store.stored().values()
    keys = Counter(str(m["chunk_key"]) for m in stored)
    assert len(keys) == total and max(keys.values()) == 1  # no duplicates
    assert {m["updated"] for m in stored} == {day}
    assert final.health()["keyword_index"] == "in step"


def hnsw_folders(data: Path) -> list[Path]:
    return [p for p in (data / "chroma").iterdir() if p.is_dir()]


@pytest.mark.parametrize("damage", ["deleted", "torn", "set aside"])
def test_a_damaged_vector_segment_fails_health_and_ingest_repairs_it(
    small_work: Path, embedder: Embedder, damage: str
) -> None:
    data, corpus = small_work / "data", small_work / "corpus"
    (segment,) = hnsw_folders(data)
    if damage == "deleted":
        shutil.rmtree(segment)
    elif damage == "set aside":  # what the repair does to a segment whose log cannot apply
        settings = Settings(data_dir=data, corpus_dir=corpus)
        name = CareerBot(settings, embedder=embedder, build_if_missing=False).store.name
        forget_cached_clients()
        assert set_aside_vector_segments(settings, "another-collection") == []
        (moved,) = set_aside_vector_segments(settings, name)
        assert not segment.exists() and (moved / "index_metadata.pickle").is_file()
    else:  # what a kill leaves while Chroma rewrites the segment's metadata in place
        (segment / "index_metadata.pickle").write_bytes(b"")
    bot = reader(data, corpus, embedder)
    client = TestClient(_app(bot))
    got = client.get("/api/health")
    assert got.status_code == 503, got.text
    assert "vector segment" in got.json()["error"] and "careerbot ingest" in got.json()["error"]
    assert "--rebuild" not in got.json()["error"]
    with pytest.raises(IndexStateError):
        bot.health()
    done = ingest(env_for(data, corpus))
    assert done.returncode == 0, done.stderr
    assert "Repaired" in done.stderr and f"{37 * SMALL_COPIES} stored chunks" in done.stderr
    if damage == "torn":
        assert "torn vector segment" in done.stderr
        assert list(data.glob("chroma.torn-*/index_metadata.pickle"))  # kept for inspection
    time.sleep(1.1)  # past the health cache
    healed = client.get("/api/health")
    assert healed.status_code == 200, healed.text
    assert healed.json()["chunks"] == 37 * SMALL_COPIES
    assert bot.ask(QUESTIONS[1]).citations
