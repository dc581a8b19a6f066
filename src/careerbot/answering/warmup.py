"""Warming the answerer's sentence vectors, so a reader's first questions embed only themselves.

An extractive answer scores every sentence of the sections it quotes, their headings and the
articles' titles, and the checker matches the quotes and picks each citation's snippet; all of
it goes through one :class:`~careerbot.embedding.vector_cache.VectorCache`. Cold, the first
question about a section embeds a few dozen texts (the bench's first asks took ~100 ms more than
later ones). :class:`Warmer` embeds them for the indexed sections in a background thread, two
texts at a time and never while a reader's request is embedding, up to :data:`MAX_TEXTS`:
at the first request (not while the app starts: on 2 cores that delayed its health check by
seconds), after an ingest (:func:`warm_up`), and when a request finds the index changed since
(an ingest in another process).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import threading
import time
import weakref

from careerbot.answering.base import Answerer
from careerbot.answering.extractive import ExtractiveAnswerer
from careerbot.settings import Settings
from careerbot.store.chroma import ChunkStore
from careerbot.store.schema import to_passage

log = logging.getLogger(__name__)

READ_CHUNKS = 256
"""Chunks read from the store at a time while collecting the texts to embed."""
CHECK_SECONDS = 2.0
"""How often, at most, a reader's request checks whether the index changed since the warm-up."""
MAX_TEXTS = 1024
"""Texts one warm-up embeds at most (a few seconds of one core; on a bigger index, the sections
stored first are warmed and the rest embedded when first quoted)."""
WARM_NICE = 0
"""The warm-up thread's nice value (Linux). At 19 a loaded 2-core box (load 4) starved it: the
bench's asks still embedded most sections on demand (37 of 282 asks, as without it), against 21
at 0 (ask p95 63 ms against 183 ms); its batches are small instead."""
EXIT_WAIT_SECONDS = 2.0
"""How long a process leaving waits for a warm-up to end its batch (an embedding running in a
thread Python abandons at exit aborts the process)."""

_running: weakref.WeakSet[Warmer] = weakref.WeakSet()
_warmers: weakref.WeakKeyDictionary[ExtractiveAnswerer, Warmer] = weakref.WeakKeyDictionary()


def warm_up(answerer: Answerer | None) -> None:
    """Warm ``answerer``'s sentence vectors again, in the background (after an ingest); nothing
    for an answerer :func:`~careerbot.answering.backends.choose_answerer` did not make, or
    none yet (an ingest while the bot is being made: the answerer warms when made)."""
    warmer = warmer_of(answerer) if answerer is not None else None
    if warmer is not None:
        warmer.restart()


def warmer_of(answerer: Answerer) -> Warmer | None:
    """The warmer of ``answerer`` (one :func:`~careerbot.answering.backends.choose_answerer`
    made over a store), if any."""
    extractive = extractive_of(answerer)
    return _warmers.get(extractive) if extractive is not None else None


def extractive_of(answerer: Answerer) -> ExtractiveAnswerer | None:
    """The extractive answerer behind ``answerer`` (itself, or an LLM answerer's fallback)."""
    if isinstance(answerer, ExtractiveAnswerer):
        return answerer
    fallback = getattr(answerer, "fallback", None)
    return fallback if isinstance(fallback, ExtractiveAnswerer) else None


@atexit.register
def _stop_all() -> None:
    warmers = list(_running)
    for warmer in warmers:
        warmer.stop()
    for warmer in warmers:
        warmer.wait(EXIT_WAIT_SECONDS)


class Warmer:
    """Embeds the indexed sections' sentences into an extractive answerer's cache, in the
    background; it stops when the answerer is collected."""

    def __init__(self, answerer: ExtractiveAnswerer, store: ChunkStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.embedded = 0
        """Texts the last finished run embedded."""
        self._answerer = weakref.ref(answerer)
        self._stamp: str | None = None  # the index generation last warmed for
        self._checked = 0.0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        weakref.finalize(answerer, self.stop)
        _warmers[answerer] = self

    def poke(self) -> None:
        """Warm up if the index changed since the last warm-up (checked every
        :data:`CHECK_SECONDS` at most; the warm-up runs in the background)."""
        now = time.monotonic()
        if now - self._checked < CHECK_SECONDS:
            return
        self._checked = now
        try:
            if self.store.stamp != self._stamp:
                self.restart()
        except Exception as exc:  # noqa: BLE001 - a speed-up only: answers embed on demand
            log.debug("careerbot: no warm-up (%s: %s)", type(exc).__name__, exc)

    def restart(self) -> None:
        """Warm up now in the background (a run in progress stops); nothing without an index."""
        answerer = self._answerer()
        if answerer is None or not self.store.exists():
            return
        with self._lock:
            self._stamp = self.store.stamp
            self.stop()
            self._stop = stop = threading.Event()
            self._thread = threading.Thread(
                target=self._run, args=(answerer, stop), name="careerbot-warm", daemon=True
            )
            _running.add(self)
            self._thread.start()

    def stop(self) -> None:
        """Ask a running warm-up to stop (it ends after its current batch)."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the running warm-up to end; whether it has."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return thread is None or not thread.is_alive()

    def _run(self, answerer: ExtractiveAnswerer, stop: threading.Event) -> None:
        cache = answerer.checker.vectors
        _set_priority()
        try:
            texts = self._texts(
                answerer, budget=min(MAX_TEXTS, max(cache.size // 2 - len(cache), 0)), stop=stop
            )
            self.embedded = cache.warm(texts, stop=stop)
        except Exception as exc:  # noqa: BLE001 - a speed-up only: answers embed on demand
            log.warning("careerbot: sentence vectors not warmed (%s: %s)", type(exc).__name__, exc)

    def _texts(
        self, answerer: ExtractiveAnswerer, *, budget: int, stop: threading.Event
    ) -> list[str]:
        """The texts answering from the stored sections embeds, at most ``budget`` of them."""
        ids = list(self.store.stored())
        texts: dict[str, None] = {}
        for start in range(0, len(ids), READ_CHUNKS):
            if stop.is_set() or len(texts) >= budget:
                break
            for chunk_id, text, meta in self.store.documents(ids[start : start + READ_CHUNKS]):
                passage = to_passage(
                    self.settings, id=chunk_id, text=text, metadata=meta, score=0.0, similarity=0.0
                )
                texts.update(dict.fromkeys(answerer.texts_to_embed(passage)))
        return list(texts)[:budget]


def _set_priority() -> None:
    """Run this thread at the lowest CPU priority (Linux: a thread has a nice value of its own),
    so readers' requests get the cores first; elsewhere, as it is."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WARM_NICE)
