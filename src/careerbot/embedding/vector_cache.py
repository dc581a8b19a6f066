"""A shared cache of text vectors, so composing and checking answers and matching section
headings embed each text once."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from careerbot.embedding.embedder import Embedder

WARM_BATCH = 2
"""Texts :meth:`VectorCache.warm` embeds at a time: a reader's request shares the cores with at
most one such small batch (a few ms)."""
WARM_SORT = 64
"""Texts :meth:`VectorCache.warm` sorts by length at a time, keeping the order it is given."""
IDLE_SECONDS = 0.005
"""How long after a reader's request for vectors a warming batch may run (waiting for a quiet
50 ms starved the warm-up under back-to-back questions, which then embedded on demand)."""


class VectorCache:
    """Unit vectors of texts, least recently used first out; safe to share between threads."""

    def __init__(self, embedder: Embedder, size: int = 8192) -> None:
        self.embedder = embedder
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._asking = 0  # requests for vectors in progress (readers', not warming)
        self._asked_at = 0.0  # when the last one ended (time.monotonic)
        self.on_use: Callable[[], object] | None = None
        """Called as each reader's request for vectors starts (a warmer checks the index)."""

    def __len__(self) -> int:
        return len(self._vectors)

    def __contains__(self, text: object) -> bool:
        return text in self._vectors

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """A ``(len(texts), dim)`` array; only texts not seen lately are embedded (one batch)."""
        if not texts:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        if self.on_use is not None:
            self.on_use()
        with self._lock:
            self._asking += 1
        try:
            return self._vectors_of(texts)
        finally:
            with self._lock:
                self._asking -= 1
                self._asked_at = time.monotonic()

    def shortfalls(self, query: np.ndarray, texts: Sequence[str]) -> dict[str, float]:
        """For each of ``texts`` (distinct), how much lower its cosine to ``query`` (a unit
        vector) is than the closest one's: 0 for the closest. How far each article's title is
        from a conversation, for retrieval and for the answer's choice of sentences."""
        cosines = {t: float(v @ query) for t, v in zip(texts, self.vectors(texts), strict=True)}
        best = max(cosines.values(), default=0.0)
        return {t: best - c for t, c in cosines.items()}

    def _vectors_of(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            found = {t: self._vectors[t] for t in dict.fromkeys(texts) if t in self._vectors}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            found.update(zip(missing, self.embedder.encode(missing), strict=True))
        with self._lock:
            for text, vec in found.items():
                self._vectors[text] = vec
                self._vectors.move_to_end(text)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return np.stack([found[t] for t in texts])

    def warm(self, texts: Iterable[str], *, stop: threading.Event | None = None) -> int:
        """Embed those of ``texts`` not cached yet, in their order (shortest first within
        each :data:`WARM_SORT`), :data:`WARM_BATCH` at a time and each batch
        only once readers' requests have left the embedder alone for :data:`IDLE_SECONDS`;
        never evicts anything (it stops when the cache is full) and stops when ``stop`` is set.
        Returns how many texts it embedded. Meant for a background thread."""
        with self._lock:
            todo = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        # In the given order (what comes first matters most), shortest first within each
        # stretch of WARM_SORT texts (less padding in each batch).
        lengths = self.embedder.token_lengths(todo) if todo else []
        todo = [
            t
            for at in range(0, len(todo), WARM_SORT)
            for _, t in sorted(
                zip(lengths[at : at + WARM_SORT], todo[at : at + WARM_SORT], strict=True),
                key=lambda lt: lt[0],
            )
        ]
        done = 0
        for start in range(0, len(todo), WARM_BATCH):
            if not self._wait_idle(stop):
                break
            with self._lock:
                batch = [t for t in todo[start : start + WARM_BATCH] if t not in self._vectors]
                room = self.size - len(self._vectors)
            batch = batch[: max(room, 0)]
            if not batch:
                if room <= 0:
                    break
                continue
            vecs = self.embedder.encode(batch)
            with self._lock:
                for text, vec in zip(batch, vecs, strict=True):
                    if text not in self._vectors and len(self._vectors) < self.size:
                        self._vectors[text] = vec
                        self._vectors.move_to_end(text, last=False)  # first out if unused
                        done += 1
        return done

    def _wait_idle(self, stop: threading.Event | None) -> bool:
        """Wait until no reader's request is running or ended in the last IDLE_SECONDS;
        False when ``stop`` was set meanwhile."""
        while True:
            if stop is not None and stop.is_set():
                return False
            with self._lock:
                quiet = time.monotonic() - self._asked_at
                busy = self._asking > 0
            if not busy and quiet >= IDLE_SECONDS:
                return True
            wait = IDLE_SECONDS if busy else IDLE_SECONDS - quiet
            if stop is not None:
                if stop.wait(wait):
                    return False
            else:
                time.sleep(wait)
