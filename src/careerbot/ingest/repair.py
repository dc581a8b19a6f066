"""Repair of a collection whose vectors are missing (its HNSW segment folder deleted, or torn
by a kill and moved aside first) while its texts and metadata are intact in Chroma's SQLite file.

Such a collection still counts every chunk but cannot search or read them
(:mod:`careerbot.store.probe`). Every stored text is embedded again and written into a fresh
collection under the same ids, so the record manager, web pages and chunks of sources that
fail to load today are all kept. Queries fail until the repair finishes, as they did before it.
"""

from __future__ import annotations

import logging

from careerbot.embedding.embedder import Embedder
from careerbot.errors import IndexCorruptError, IndexMissingError
from careerbot.ingest.options import IngestOptions, progress_part
from careerbot.store.chroma import ChunkStore
from careerbot.store.connection import is_segment_unloadable
from careerbot.store.probe import check_vectors
from careerbot.store.recovery import set_aside_torn_segments, set_aside_vector_segments
from careerbot.store.schema import TITLE

logger = logging.getLogger(__name__)


def repair_missing_vectors(store: ChunkStore, embedder: Embedder, options: IngestOptions) -> int:
    """Rebuild ``store``'s collection from its stored texts when its vectors are missing.

    Returns the chunks embedded again (0 when the vectors were fine, or there is no index).
    """
    try:
        check_vectors(store, thorough=True)
        return 0
    except IndexMissingError:
        return 0
    except IndexCorruptError as exc:
        logger.warning("Repairing the index: %s", exc)
    ids, texts = _stored_texts(store)
    metadata = store.stored()
    if not ids:
        return 0
    writer = embedder.for_documents(len(ids))
    store.drop()
    progress = options.progress
    if progress:
        progress(0, len(ids))
    step = progress_part(len(ids), max(1, options.batch_size))
    for start in range(0, len(ids), step):
        part = slice(start, start + step)
        store.upsert(
            ids[part], texts[part], [metadata[i] for i in ids[part]], writer.encode(texts[part])
        )
        if progress:
            progress(min(start + step, len(ids)), len(ids))
    store.mark_complete({str(m.get(TITLE)) for m in metadata.values()})
    return len(ids)


def _stored_texts(store: ChunkStore) -> tuple[list[str], list[str]]:
    """Every stored chunk's id and text, once the vector segments that stop Chroma reading the
    collection are set aside: one whose metadata a kill tore, or else, when reads still fail,
    one whose write log Chroma cannot apply though its files look whole (the texts are in
    Chroma's SQLite file either way)."""
    moved = set_aside_torn_segments(store.settings)
    if moved:
        store.handle.reopen()
    try:
        ids, texts = store.all_texts()
    except IndexCorruptError as exc:
        if not is_segment_unloadable(exc):
            raise
        moved = set_aside_vector_segments(store.settings, store.name)
        if not moved:
            raise
        store.handle.reopen()
        ids, texts = store.all_texts()
    for folder in moved:
        logger.warning("Moved a torn vector segment aside, to %s", folder)
    return ids, texts
