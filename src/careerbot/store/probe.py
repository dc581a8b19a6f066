"""A cheap real read of the collection, to tell whether queries would work.

A count says nothing about the vectors: with the HNSW segment's folder gone, Chroma still
counts every chunk, answers a search with the few vectors its write log still holds, and
fails to read any other chunk's vector ("Error finding id"). So the probe searches with a
fixed vector and reads the vectors of a few chunks spread over the collection.
"""

from __future__ import annotations

import math
from typing import Any

from careerbot.errors import IndexCorruptError, IndexMissingError
from careerbot.store.chroma import ChunkStore
from careerbot.store.writer_lock import ingest_running

PROBE_RESULTS = 10
SAMPLED = 3

REPAIR_HINT = "Repair it with: careerbot ingest"


def check_vectors(store: ChunkStore, *, thorough: bool = False) -> int:
    """Search with a fixed vector and read the vectors of a few chunks (only search while
    another process is ingesting), again on a fresh view of the database when they cannot be
    read; ``thorough`` is an ingest's own check, under its lock. Returns the chunk count.

    Raises :class:`IndexMissingError` when there is no finished index and
    :class:`IndexCorruptError` when stored chunks have no vector (``careerbot ingest``
    repairs that, see :mod:`careerbot.ingest.repair`).
    """
    store.refresh_if_changed()
    if not store.exists():
        raise IndexMissingError(
            f"No finished index at {store.location}. Build it with: careerbot ingest"
        )
    serving = not thorough and not store.settings.chroma_host
    if serving and ingest_running(store.settings.data_dir):
        # A serving process must not reopen the database while another process is writing
        # (a fresh client mid-ingest broke that ingest's writes), nor read vectors that
        # process added and its own open index has not seen: it searches only.
        return _probe(store, sample=False)
    try:
        return _probe(store, sample=True)
    except IndexCorruptError:
        if store.settings.chroma_host:
            raise
        # The vectors may be fine and this view stale (an ingest killed before it stamped the
        # index): look again on a fresh view before calling them missing.
        if thorough:
            store.handle.reopen()
            return _probe(store, sample=True)
        with store.handle.reopened_if_idle() as fresh:
            if not fresh:
                raise
            return _probe(store, sample=True)


def _probe(store: ChunkStore, *, sample: bool) -> int:
    collection = store.collection()
    count = store.count()
    want = min(PROBE_RESULTS, count)
    probe: Any = [[1.0 / math.sqrt(store.dimension)] * store.dimension]
    try:
        found = store.handle.guard(
            "searched",
            lambda: collection.query(query_embeddings=probe, n_results=want, include=["distances"]),
        )
        got = len(found["ids"][0])
        offsets = sorted({0, count // 2, count - 1})[:SAMPLED] if sample else []
        for offset in offsets:

            def read(o: int = offset) -> Any:
                return collection.get(limit=1, offset=o, include=["embeddings"])

            store.handle.guard("read", read)
    except IndexCorruptError as exc:
        raise IndexCorruptError(
            f"The vectors of the index at {store.location} cannot be read ({exc.__cause__}): "
            f"its vector segment is missing or damaged. {REPAIR_HINT}"
        ) from exc
    if got < want:
        raise IndexCorruptError(
            f"The index at {store.location} holds {count} chunks but its search finds only "
            f"{got} of {want}: its vector segment is missing or damaged. {REPAIR_HINT}"
        )
    return count
