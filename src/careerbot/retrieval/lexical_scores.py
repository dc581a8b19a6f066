"""One query's BM25 scores over every stored chunk, and what ranking reads of them."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class LexicalScores:
    """BM25 scores of every stored chunk for one query."""

    ids: tuple[str, ...]
    scores: np.ndarray
    confidence: float
    """How clearly the best chunk stands out: ``1 - second/best`` (0 when nothing matches)."""
    rows: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)
    """Position of each id in ``ids``/``scores`` (shared with the index, built once per build)."""

    @property
    def best(self) -> float:
        """The highest BM25 score (0 when no query word is in the index)."""
        return float(self.scores.max()) if len(self.scores) else 0.0

    def top(self, n: int, among: Collection[str] | None = None) -> list[tuple[str, float]]:
        """The ``n`` best-scoring chunks with a score above zero, best first (``among``: only
        these chunk ids, e.g. those a metadata filter lets through)."""
        if n <= 0 or not len(self.scores):
            return []
        if among is not None:
            rows = self.rows or {i: r for r, i in enumerate(self.ids)}
            found = [(i, float(self.scores[rows[i]])) for i in among if i in rows]
            found = [(i, sc) for i, sc in found if sc > 0]
            return sorted(found, key=lambda item: item[1], reverse=True)[:n]
        n = min(n, len(self.scores))
        idx = np.argpartition(-self.scores, n - 1)[:n]
        idx = idx[np.argsort(-self.scores[idx])]
        return [(self.ids[i], float(self.scores[i])) for i in idx if self.scores[i] > 0]

    def normalised(self, ids: Iterable[str] | None = None) -> dict[str, float]:
        """Scores scaled to 0..1 by the best one, by chunk id (zeros left out).

        ``ids`` limits the work to those chunks: a query's few candidates, rather than every
        chunk sharing a word with it (tens of thousands in a large index).
        """
        best = self.best
        if best <= 0:
            return {}
        if ids is None:
            return {self.ids[i]: float(self.scores[i] / best) for i in np.flatnonzero(self.scores)}
        rows = self.rows or {i: n for n, i in enumerate(self.ids)}
        found = ((i, rows.get(i)) for i in ids)
        return {
            i: float(self.scores[r] / best)
            for i, r in found
            if r is not None and self.scores[r] > 0
        }
