"""Whether questions would be answered now: a real, cheap retrieval, cached for a second.

A chunk count alone said "ok" while every question failed (vectors missing, a keyword index
pointing at deleted chunks), so the check searches: it reads the collection's vectors
(:func:`careerbot.store.probe.check_vectors`) and runs one question through the retriever.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

from careerbot.errors import IndexStateError
from careerbot.retrieval.hybrid import Retriever
from careerbot.store.probe import check_vectors
from careerbot.store.writer_lock import ingest_running

PROBE_QUESTION = "Which skills should I learn for a career in AI?"
CACHE_SECONDS = 1.0


class HealthCheck:
    """The state of one retriever's index, checked at most once per :data:`CACHE_SECONDS`."""

    def __init__(self, retriever: Retriever, *, cache_seconds: float = CACHE_SECONDS) -> None:
        self.retriever = retriever
        self.cache_seconds = cache_seconds
        self._lock = threading.Lock()
        self._vector: np.ndarray | None = None
        self._last: tuple[float, dict[str, Any] | IndexStateError] | None = None

    def check(self) -> dict[str, Any]:
        """``{"status": "ok", "chunks", "keyword_index"}`` when questions would be answered;
        raises :class:`IndexStateError` saying why not (and what to do) otherwise."""
        with self._lock:  # one check at a time; the others get its result
            now = time.monotonic()
            if self._last is None or now - self._last[0] >= self.cache_seconds:
                self._last = (now, self._run())
            result = self._last[1]
        if isinstance(result, IndexStateError):
            raise result
        return dict(result)

    def _run(self) -> dict[str, Any] | IndexStateError:
        store, lexical = self.retriever.store, self.retriever.lexical
        try:
            chunks = check_vectors(store)
            if self._vector is None:
                self._vector = self.retriever.embedder.encode([PROBE_QUESTION])[0]
            found = self.retriever.search_vector(PROBE_QUESTION, self._vector, 3)
        except IndexStateError as exc:
            return exc
        except Exception as exc:  # noqa: BLE001 - whatever breaks a question breaks health
            return IndexStateError(
                f"Questions fail on the index at {store.location}: {type(exc).__name__}: {exc}. "
                "Run `careerbot ingest` to repair it."
            )
        if not found:
            if ingest_running(store.settings.data_dir):
                # Its deletes took the winners from under this process's view, which is not
                # reopened while it writes (see Retriever.search_vector): over when it ends.
                return IndexStateError(
                    f"An ingest is replacing the chunks of the index at {store.location}; a "
                    "search finds none of them for now. Ask again in a few seconds."
                )
            return IndexStateError(
                f"The index at {store.location} holds {chunks} chunks but a search finds none. "
                "Run `careerbot ingest` to repair it."
            )
        state = "off"
        if lexical is not None:
            if lexical.last_error:
                return IndexStateError(
                    "The keyword index is out of step with the index and could not be rebuilt "
                    f"({lexical.last_error}). Run `careerbot ingest` to rebuild it."
                )
            state = (
                "in step"
                if lexical.in_step
                else "rebuilding"
                if lexical.rebuilding
                else "out of step"
            )
        return {"status": "ok", "chunks": chunks, "keyword_index": state}
