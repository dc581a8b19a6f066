"""kill -9 a real `careerbot ingest` at several points: the index keeps answering, and the next
ingest finishes the job with nothing duplicated or lost."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from careerbot.embedding.embedder import Embedder
from careerbot.ingest.run import ingest
from careerbot.settings import Settings
from careerbot.store.chroma import ChunkStore
from careerbot.store.collection import forget_cached_clients
from careerbot.store.database import SQLITE_FILE
from tests.corpora import copied_corpus

pytestmark = pytest.mark.slow
COPIES = 6


def open_store(settings: Settings, embedder: Embedder) -> ChunkStore:
    forget_cached_clients()  # see the other process's writes
    return ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)


def keys(store: ChunkStore) -> Counter[str]:
    return Counter(str(m["chunk_key"]) for m in store.stored().values())


def record_count(records: Path) -> int:
    if not records.exists():
        return 0
    with sqlite3.connect(f"file:{records}?mode=ro", uri=True, timeout=5) as db:
        try:
            return int(db.execute("SELECT count(*) FROM records").fetchone()[0])
        except sqlite3.OperationalError:
            return 0  # the table is not there yet


def killed_ingest(corpus: Path, env: dict[str, str], records: Path, *, kill_at: int) -> int:
    """Run a real ingest and SIGKILL it once the record manager holds ``kill_at`` chunks: a
    point in the middle of its writes, whatever the machine's speed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "careerbot", "ingest", str(corpus), "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if record_count(records) >= kill_at:
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.01)
    return proc.wait()


def test_kill_9_at_several_points(tmp_path: Path, embedder: Embedder) -> None:
    data = tmp_path / "data"
    settings = Settings(data_dir=data, corpus_dir=tmp_path / "v1", index_batch_size=16)
    env = {**os.environ, "CAREERBOT_DATA_DIR": str(data), "CAREERBOT_INDEX_BATCH_SIZE": "16"}

    # 1. Killed during the very first build: nothing serves yet, the next run completes it.
    v1 = copied_corpus(tmp_path / "v1", COPIES, "Note:")
    records = data / SQLITE_FILE
    assert killed_ingest(v1, env, records, kill_at=32) == -signal.SIGKILL
    store = open_store(settings, embedder)
    assert not store.is_complete()
    first = ingest(
        v1, store, embedder, navigation_headings=settings.navigation_headings, batch_size=16
    )
    assert store.is_complete() and first.chunks == store.count()
    v1_keys = set(keys(store))
    assert first.embedded < first.chunks  # what the killed run wrote was reused

    # 2. Killed at several points of a run that changes every section.
    v2 = copied_corpus(tmp_path / "v2", COPIES, "Update:")
    (v2 / f"junior-developer-gap-2026-{COPIES - 1}.md").unlink()
    v2_keys = v1_keys - {
        k for k in v1_keys if k.startswith(f"junior-developer-gap-2026-{COPIES - 1}#")
    }
    shutil.rmtree(v1)
    v2.rename(v1)  # the same folder, edited in place, as an editor would
    question = embedder.encode(["Which cloud certification should I get first?"])[0]
    mid_write = []
    base = record_count(records)  # every v1 chunk; v2 adds a new version of most of them
    for new in (16, 96, 176):
        assert killed_ingest(v1, env, records, kill_at=base + new) == -signal.SIGKILL
        store = open_store(settings, embedder)
        present = keys(store)
        assert store.is_complete()
        assert v2_keys <= set(present), "a section went missing"
        assert set(present) <= v1_keys and max(present.values()) <= 2  # old and/or new version
        assert len(store.query(question, 10)) == 10  # it answers
        mid_write.append(sum(1 for n in present.values() if n == 2))
    print("chunks with both versions after each kill:", mid_write)
    assert all(mid_write), "a kill did not land while chunks were being written"

    # 3. The next ingest finishes the job; the result equals a clean build.
    store = open_store(settings, embedder)
    final = ingest(
        v1, store, embedder, navigation_headings=settings.navigation_headings, batch_size=16
    )
    assert final.errors == ()
    clean_settings = Settings(data_dir=tmp_path / "clean")
    clean = ChunkStore(clean_settings, model_name=embedder.name, dimension=embedder.dimension)
    ingest(v1, clean, embedder, navigation_headings=settings.navigation_headings)

    def state(s: ChunkStore) -> set[tuple[str, str, str]]:
        return {(m["chunk_key"], m["content_hash"], m["meta_hash"]) for m in s.stored().values()}

    assert state(store) == state(clean)
    assert set(store.stored()) == set(clean.stored())  # same ids
    assert max(keys(store).values()) == 1
