"""Search results: :class:`Hit`, and Chroma's answers turned into hits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from chromadb.api.types import QueryResult


@dataclass(frozen=True)
class Hit:
    """One nearest neighbour: a stored chunk and its cosine similarity to the query."""

    id: str
    text: str
    metadata: dict[str, Any]
    score: float
    vector: np.ndarray | None = field(default=None, repr=False, compare=False)


def scored_hits(ids: Sequence[str], vectors: Any, embedding: np.ndarray) -> list[Hit]:
    """Chunks with their stored vectors as hits, scored by cosine similarity to ``embedding``
    (without text and metadata). No ids (every one asked for was deleted) gives no hits."""
    import numpy as np

    if not len(ids):
        return []
    query = np.asarray(embedding, dtype=np.float32)
    stacked = np.asarray(vectors, dtype=np.float32).reshape(len(ids), query.shape[-1])
    scores = stacked @ query
    return [
        Hit(id=i, text="", metadata={}, score=float(s), vector=v)
        for i, s, v in zip(ids, scores, stacked, strict=True)
    ]


def query_hits(res: QueryResult, *, with_vectors: bool) -> list[Hit]:
    """The hits of one query embedding's result (cosine distance back to similarity)."""
    import numpy as np

    ids = res["ids"][0]
    vectors = (
        [np.asarray(v, dtype=np.float32) for v in res["embeddings"][0]]  # type: ignore[index]
        if with_vectors
        else [None] * len(ids)
    )
    return [
        Hit(id=i, text=doc or "", metadata=dict(meta or {}), score=1.0 - float(dist), vector=v)
        for i, doc, meta, dist, v in zip(
            ids,
            (res["documents"] or [[""] * len(ids)])[0],
            (res["metadatas"] or [[{}] * len(ids)])[0],
            (res["distances"] or [[]])[0],
            vectors,
            strict=True,
        )
    ]
