"""Keyword search: BM25 (bm25s, English stemming and stop words) over the stored chunks.

The lexical index is derived data: it is built from the chunks in Chroma (with the titles of
their articles, read in the same pass), saved beside the index
(``<data_dir>/lexical/<collection>/``, with the generation and chunk count it was built for),
and rebuilt in the background once the store changed (a new generation: an ingest finished,
here or on another machine; or another count: one killed half-way). Losing it costs a
rebuild, never data.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from careerbot.embedding.runtime_env import no_progress_widget_warning
from careerbot.errors import SearchServerUnreachableError
from careerbot.retrieval.lexical_scores import LexicalScores
from careerbot.store.writer_lock import ingest_running

if TYPE_CHECKING:
    from careerbot.store.chroma import ChunkStore

STOPWORDS = "en"
# How often a query checks the chunk count (Chroma's count scans: ~25 ms at 100k chunks).
CHECK_SECONDS = 1.0
# Background rebuilds for another count (an ingest under way keeps changing it) or after a
# failed one start at most this often; a new generation starts one at once.
REBUILD_GAP_SECONDS = 5.0

logger = logging.getLogger(__name__)


def _bm25s() -> Any:
    """The bm25s module. Importing it imports ``tqdm.auto`` (bm25s.utils.beir), which warns in a
    notebook without ipywidgets; every bm25s call here passes ``show_progress=False``."""
    with no_progress_widget_warning():
        import bm25s
    return bm25s


def _stemmer() -> object:
    import Stemmer

    return Stemmer.Stemmer("english")


@dataclass(frozen=True)
class Built:
    """One finished keyword index, served whole until the next one replaces it."""

    key: tuple[str, int]
    """The store's ``(generation, chunk count)`` when it was built."""
    retriever: object
    ids: tuple[str, ...]
    rows: dict[str, int]
    titles: tuple[str, ...]
    """The titles of the articles of those chunks, sorted."""


class LexicalIndex:
    """BM25 over one :class:`ChunkStore`'s chunks, kept in step with its ingests.

    The first query builds (or loads) it; after that a changed store (a new stamp, another chunk
    count, or chunks found missing: :meth:`out_of_step`) is rebuilt in a background thread while
    the old index keeps serving, and the new one replaces it whole.
    """

    def __init__(self, store: ChunkStore, folder: Path) -> None:
        self.store = store
        self.folder = folder / store.name
        self._lock = threading.Lock()
        self._stemmer = _stemmer()
        self._stem_lock = threading.Lock()
        self._built: Built | None = None
        self._building: threading.Thread | None = None
        self._stale = False
        self._failed = False  # the last background rebuild failed
        self._counted_at = -CHECK_SECONDS
        self._rebuilt_at = -REBUILD_GAP_SECONDS
        self.last_error: str | None = None
        """Why the last background rebuild failed (None after one that succeeded)."""

    def scores(self, query: str) -> LexicalScores:
        """BM25 scores of every chunk for ``query``."""
        bm25s = _bm25s()
        built = self._current()
        retriever, ids, rows = built.retriever, built.ids, built.rows
        with self._stem_lock:  # a PyStemmer object must not be used by two threads at once
            tokens = bm25s.tokenize(
                [query],
                stopwords=STOPWORDS,
                stemmer=self._stemmer,
                return_ids=False,
                show_progress=False,
            )[0]
        if not ids or not tokens:
            return LexicalScores(ids, np.zeros(len(ids), dtype=np.float32), 0.0, rows)
        scores = np.asarray(retriever.get_scores(tokens), dtype=np.float32)  # type: ignore[attr-defined]
        at = int(scores.argmax())
        best = float(scores[at])
        # Two max() passes around the best: a partition of every score cost ~4 ms at 100k.
        second = max(float(scores[:at].max(initial=0.0)), float(scores[at + 1 :].max(initial=0.0)))
        confidence = float(1.0 - second / best) if best > 0 else 0.0
        return LexicalScores(ids, scores, confidence, rows)

    def titles(self) -> list[str]:
        """The titles of the indexed articles, from the same build as the index serving now."""
        return list(self._current().titles)

    def warm(self) -> None:
        """Build (or load) the index for the store's current state now, in this thread."""
        key = self._key()
        with self._lock:
            if self._built is None or self._built.key != key or self._stale:
                self._stale = False
                self._built = self._load_or_build(key)

    def out_of_step(self) -> None:
        """Note that the index pointed at chunks the store no longer holds: the next query
        starts a rebuild."""
        self._stale = True

    @property
    def in_step(self) -> bool:
        """Whether the index serving now was built from the store as it is (stamp and count)."""
        built = self._built
        return built is not None and not self._stale and built.key == self._key()

    @property
    def rebuilding(self) -> bool:
        """Whether a background rebuild is running."""
        thread = self._building
        return thread is not None and thread.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a running background rebuild to finish (for tests and shutdown)."""
        thread = self._building
        if thread is not None:
            thread.join(timeout)

    def _key(self) -> tuple[str, int]:
        return self.store.stamp, self.store.count()

    def _current(self) -> Built:
        built = self._built
        if built is None:
            self.warm()  # nothing to serve yet: the first query waits for it
            assert self._built is not None
            return self._built
        now = time.monotonic()
        new_generation = built.key[0] != self.store.stamp
        changed = self._stale or new_generation
        if not changed and now - self._counted_at >= CHECK_SECONDS:
            # Another process may have written without finishing (a killed ingest).
            self._counted_at = now
            changed = built.key[1] != self.store.count()
        if changed:
            self._rebuild_in_background(at_once=new_generation and not self._failed)
        return built

    def _rebuild_in_background(self, *, at_once: bool = False) -> None:
        with self._lock:
            now = time.monotonic()
            if self.rebuilding or (not at_once and now - self._rebuilt_at < REBUILD_GAP_SECONDS):
                return
            self._rebuilt_at = now
            self._stale = False
            self._building = threading.Thread(
                target=self._rebuild, name=f"keyword-index-{self.store.name}", daemon=True
            )
            self._building.start()

    def _rebuild(self) -> None:
        try:
            built = self._load_or_build(self._key())
        except Exception as exc:  # noqa: BLE001 - the old index keeps serving; health reports it
            self._stale = self._failed = True
            settings = self.store.settings
            if not settings.chroma_host and ingest_running(settings.data_dir):
                # Reads beside an ingest's writes can fail ("database disk image is
                # malformed"): tried again after REBUILD_GAP_SECONDS, not a broken index.
                logger.info("The keyword index waits for the ingest under way: %s", exc)
                return
            # An unreachable server is health's to report (the store's own error), not ours.
            if not isinstance(exc, SearchServerUnreachableError):
                self.last_error = str(exc)
            logger.warning("Rebuilding the keyword index failed: %s", exc)
            return
        self.last_error = None
        # Found out of step while it was built: that was the old index, which this replaces.
        self._stale = self._failed = False
        self._built = built  # one assignment: readers see the old index or the new

    def _load_or_build(self, key: tuple[str, int]) -> Built:
        loaded = self._load(*key)
        if loaded is None:
            loaded = self._build()
            self._save(key[0], *loaded)
        retriever, ids, titles = loaded
        return Built(key, retriever, ids, {i: n for n, i in enumerate(ids)}, titles)

    def _build(self) -> tuple[object, tuple[str, ...], tuple[str, ...]]:
        bm25s = _bm25s()
        ids, texts, titles = self.store.texts_and_titles()
        retriever = bm25s.BM25()
        if texts:
            with self._stem_lock:
                tokens = bm25s.tokenize(
                    texts, stopwords=STOPWORDS, stemmer=self._stemmer, show_progress=False
                )
            retriever.index(tokens, show_progress=False)
        return retriever, tuple(ids), tuple(titles)

    def _save(
        self, stamp: str, retriever: object, ids: tuple[str, ...], titles: tuple[str, ...]
    ) -> None:
        if not ids:
            return
        tmp = self.folder.with_name(self.folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            tmp.mkdir(parents=True)
            retriever.save(str(tmp), show_progress=False)  # type: ignore[attr-defined]
            meta = {"stamp": stamp, "ids": list(ids), "titles": list(titles)}
            (tmp / "careerbot.json").write_text(json.dumps(meta))
            shutil.rmtree(self.folder, ignore_errors=True)
            tmp.rename(self.folder)
        except OSError:
            # A read-only or full disk only costs a rebuild in the next process.
            shutil.rmtree(tmp, ignore_errors=True)

    def _load(
        self, stamp: str, count: int
    ) -> tuple[object, tuple[str, ...], tuple[str, ...]] | None:
        bm25s = _bm25s()
        try:
            meta = json.loads((self.folder / "careerbot.json").read_text())
            if meta.get("stamp") != stamp:
                return None
            retriever = bm25s.BM25.load(str(self.folder), show_progress=False)
            ids = tuple(str(i) for i in meta["ids"])
            titles = tuple(str(t) for t in meta["titles"])
        except (OSError, ValueError, KeyError):
            return None  # missing, stale or damaged: rebuilt from the store
        if retriever.scores.get("num_docs") != len(ids) or len(ids) != count:
            return None  # saved by an ingest killed before its new stamp, or damaged
        return retriever, ids, titles
