"""Section headings as a second view of each section, for ranking.

A heading is its author's summary of what the section answers ("Skills to learn next for a
higher AI salary"); a reader's question ("what should i learn first if i want to get paid more")
often matches it better than the body, which spends its words on the specifics (model serving,
pipelines, monitoring). With ``heading_match`` the retriever scores each candidate chunk by the
better of its own and its section heading's (discounted) cosine to the question: two vectors
per section, the closer one counts.

Only candidates are scored (what the dense and keyword searches found), so a heading adds no
search of its own. A section's heading is read from the store the first time one of its chunks
is a candidate (again after an ingest) and its vector embedded then; both are kept, least
recently used out. Their vectors are kept in a
:class:`~careerbot.embedding.vector_cache.VectorCache` (``vectors``): its own, or, as the bot
arranges, the answerer's, which the warm-up fills with every section's heading, so a first
question after the warm-up embeds only itself.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from careerbot.embedding.vector_cache import VectorCache
from careerbot.store.schema import section_key

if TYPE_CHECKING:
    from careerbot.embedding.embedder import Embedder
    from careerbot.store.chroma import ChunkStore
    from careerbot.store.hits import Hit

HEADING_DISCOUNT = 0.1
"""Taken off a heading's cosine before it competes with the text's: a few words match loosely
(dev: 0.06 to 0.15 gave the same hits; 0.03 let a follow-up's context pull the previous topic's
heading first, 0.2 undid the gain)."""
CACHE_SIZE = 8192
"""Sections whose heading is kept (and, until the bot hands over the answerer's cache, heading
vectors in this one's own)."""


class HeadingVectors:
    """The cosine of a query to the headings of the sections of some chunks; thread-safe."""

    def __init__(self, store: ChunkStore, embedder: Embedder, size: int = CACHE_SIZE) -> None:
        self.store = store
        self.size = size
        self._lock = threading.Lock()
        self._stamp: str | None = None
        self._headings: OrderedDict[str, str] = OrderedDict()  # section key -> heading
        self.vectors = VectorCache(embedder, size)
        """Where the headings' vectors are kept (the bot gives it the answerer's)."""

    def similarities(self, hits: Sequence[Hit], vector: np.ndarray) -> dict[str, float]:
        """Cosine of ``vector`` (a unit query vector) to each hit's section heading, by chunk
        id (chunks deleted from the store meanwhile are left out)."""
        if not hits:
            return {}
        headings = self._headings_of(hits)
        texts = list(dict.fromkeys(headings.values()))
        if not texts:
            return {}
        vectors = dict(zip(texts, self.vectors.vectors(texts), strict=True))
        query = np.asarray(vector, dtype=np.float32)
        by_text = {t: float(v @ query) for t, v in vectors.items()}
        return {i: by_text[t] for i, t in headings.items()}

    def _headings_of(self, hits: Sequence[Hit]) -> dict[str, str]:
        stamp = self.store.stamp
        with self._lock:
            if stamp != self._stamp:  # an ingest may have renamed sections
                self._stamp = stamp
                self._headings.clear()
            known = {h.id: self._headings.get(section_key(h.id)) for h in hits}
        missing = [i for i, heading in known.items() if heading is None]
        read = {}
        if missing:
            read = {i: str(meta.get("section", "")) for i, _, meta in self.store.documents(missing)}
        found = {i: heading for i, heading in known.items() if heading}
        found.update((i, heading) for i, heading in read.items() if heading)
        with self._lock:
            if stamp == self._stamp:
                for i, heading in read.items():
                    self._remember(self._headings, section_key(i), heading)
        return found

    def _remember(self, cache: OrderedDict[str, str], key: str, value: str) -> None:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > self.size:
            cache.popitem(last=False)
