"""A cheap real read of the collection, to tell whether queries would work.

A count says nothing about the vectors: with the HNSW segment's folder gone, Chroma still
counts every chunk, answers a search with the few vectors its write log still holds, and
fails to read any other chunk's vector ("Error finding id"). So the probe searches with a
fixed vector and reads the vectors of a few chunks spread over the collection.
"""

from __future__ import annotations

import math
import time
from contextlib import nullcontext
from typing import Any

from careerbot.errors import IndexCorruptError, IndexMissingError, VectorSegmentError
from careerbot.store.chroma import ChunkStore
from careerbot.store.connection import (
    FRESH_VIEW_PAUSES,
    REPAIR_HINT,
    ingest_rewriting_error,
    stale_view,
)
from careerbot.store.writer_lock import no_ingest

PROBE_RESULTS = 10
SAMPLED = 3


def check_vectors(store: ChunkStore, *, thorough: bool = False) -> int:
    """Search with a fixed vector and read the vectors of a few chunks (only search while
    another process is ingesting), again on a fresh view of the database when they cannot be
    read; ``thorough`` is an ingest's own check, under its lock. Returns the chunk count.

    Raises :class:`IndexMissingError` when there is no finished index and
    :class:`VectorSegmentError` when stored chunks have no vector (``careerbot ingest``
    repairs that, see :mod:`careerbot.ingest.repair`).
    """
    store.refresh_if_changed()
    if not store.exists():
        raise IndexMissingError(
            f"No finished index at {store.location}. Build it with: careerbot ingest"
        )
    if store.settings.chroma_host:
        return _probe(store, sample=True)  # the server's view is the only one: no reopening
    # An ingest's own check runs under its lock; a serving process takes it shared, so no
    # ingest starts while it reads vectors or reopens.
    with nullcontext(True) if thorough else no_ingest(store.settings.data_dir) as idle:
        if not idle:
            # While another process ingests, a serving process reads no vectors (reads beside
            # its writes failed as "malformed") and does not reopen the database (a fresh
            # client mid-ingest broke that ingest's writes): it searches only.
            try:
                return _probe(store, sample=False)
            except IndexCorruptError as exc:
                # Its writes changed the collection under this view (a repair among them):
                # over when it ends.
                raise ingest_rewriting_error(store.location) from exc
        try:
            return _probe(store, sample=True)
        except IndexCorruptError:
            # The vectors may be fine and this view stale (an ingest killed before it stamped
            # the index, another reader applying its log): look again on fresh views before
            # calling them missing.
            for pause in FRESH_VIEW_PAUSES[1:]:
                store.handle.reopen()
                try:
                    return _probe(store, sample=True)
                except IndexCorruptError as again:
                    if not stale_view(again):
                        raise
                time.sleep(pause)
            store.handle.reopen()
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
        raise VectorSegmentError(
            f"The vectors of the index at {store.location} cannot be read ({exc.__cause__}): "
            f"its vector segment is missing or damaged. {REPAIR_HINT}"
        ) from exc
    if got < want:
        raise VectorSegmentError(
            f"The index at {store.location} holds {count} chunks but its search finds only "
            f"{got} of {want}: its vector segment is missing or damaged. {REPAIR_HINT}"
        )
    return count
