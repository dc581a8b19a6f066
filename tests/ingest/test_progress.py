"""Ingest progress moves while the chunks are embedded, not only once they all are.

The real corpus is 37 chunks, fewer than one write batch (100), so a first ingest used to call
``progress`` with 0 and then 37: the bar stood still for the whole embedding. Now a report
follows each write of a few chunks (at most a twentieth of the ingest), and counts only chunks
already written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.ingest.run import ingest
from careerbot.settings import Settings
from careerbot.store.chroma import ChunkStore
from careerbot.store.collection import CollectionHandle, forget_cached_clients
from tests.conftest import CORPUS
from tests.corpora import copied_corpus

NAV = Settings().navigation_headings


class Calls:
    """A progress callback that keeps every ``(done, total)`` it is called with."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.seen.append((done, total))


def assert_moves(calls: list[tuple[int, int]], total: int) -> None:
    """``calls`` start at 0, never go back, end at ``total`` and stop often on the way."""
    assert calls[0] == (0, total) and calls[-1] == (total, total), calls
    assert {t for _, t in calls} == {total}
    done = [d for d, _ in calls]
    assert done == sorted(done), calls
    between = {d for d in done if 0 < d < total}
    assert len(between) >= min(total - 1, 10), calls
    steps = [b - a for a, b in zip(done, done[1:], strict=False)]
    assert max(steps) <= max(1, total // 10), calls  # a tenth at most between two reports


def make_store(settings: Settings, embedder: Embedder) -> ChunkStore:
    return ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)


def test_a_first_ingest_reports_progress_while_embedding(
    settings: Settings, embedder: Embedder
) -> None:
    store = make_store(settings, embedder)
    calls = Calls()
    stored: list[int] = []

    def record(done: int, total: int) -> None:
        calls(done, total)
        stored.append(store.count())

    report = ingest(CORPUS, store, embedder, navigation_headings=NAV, progress=record)
    assert report.embedded == report.chunks == store.count() == 37
    assert_moves(calls.seen, 37)
    # what is reported done is written: a run killed at any report keeps that much
    assert all(n >= d for n, (d, _) in zip(stored, calls.seen, strict=True))


def test_a_rebuild_and_an_edit_report_progress_too(
    settings: Settings, embedder: Embedder, tmp_path: Path
) -> None:
    corpus = copied_corpus(tmp_path / "corpus", 1)
    store = make_store(settings, embedder)
    ingest(corpus, store, embedder, navigation_headings=NAV)
    calls = Calls()
    report = ingest(corpus, store, embedder, navigation_headings=NAV, rebuild=True, progress=calls)
    assert report.embedded == 37
    assert_moves(calls.seen, 37)
    for path in sorted(corpus.glob("*.md"))[:2]:  # a few changed sections: a report each
        path.write_text(path.read_text().replace("(Copy 0.)", "(Copy 0, edited.)", 2))
    calls.seen.clear()
    report = ingest(corpus, store, embedder, navigation_headings=NAV, progress=calls)
    assert 2 <= report.embedded <= 6
    assert_moves(calls.seen, report.embedded)


def test_a_repair_reports_progress_while_embedding(
    tmp_path: Path, embedder: Embedder, model_cache: Path
) -> None:
    corpus = copied_corpus(tmp_path / "corpus", 3)  # 111 chunks: past a 100-write sync
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, model_cache_dir=model_cache)
    configure = CollectionHandle.hnsw_configuration
    with pytest.MonkeyPatch.context() as patch:  # so the vector segment is on disk to delete
        patch.setattr(
            CollectionHandle,
            "hnsw_configuration",
            lambda self: configure(self) | {"sync_threshold": 100, "batch_size": 100},
        )
        CareerBot(settings, embedder=embedder)
    forget_cached_clients()
    (segment,) = [p for p in settings.chroma_path.iterdir() if p.is_dir()]
    for part in segment.iterdir():
        part.unlink()
    segment.rmdir()
    store = make_store(settings, embedder)
    calls = Calls()
    report = ingest(corpus, store, embedder, navigation_headings=NAV, progress=calls)
    assert report.repaired == 111 == store.count()
    assert_moves([c for c in calls.seen if c[1]], 111)  # then (0, 0): nothing left to write
