"""A scratch copy of the live index, where ``careerbot ingest --check`` ingests new content.

The live collection's stored chunks are copied with their vectors into an embedded Chroma in
a temporary data dir, with their records in its own SQLite database, and the normal ingest
then runs into that copy: only new and changed sections are written and embedded, and the live
collection, its generation and the shared database are never written.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from careerbot.store.schema import CONTENT_HASH, SOURCE

if TYPE_CHECKING:
    from careerbot.answering.base import Answerer
    from careerbot.bot import CareerBot
    from careerbot.store.chroma import ChunkStore

COPY_BATCH = 1000
"""Chunks read from the live collection and written to the copy at a time."""

Progress = Callable[[int, int], None]


def copy_chunks(source: ChunkStore, target: ChunkStore, progress: Progress | None = None) -> int:
    """Copy every stored chunk of ``source`` (text, metadata and vector, same ids) into
    ``target``, record them in ``target``'s database as an ingest would have (so the next
    ingest writes only what changed), and mark it complete with ``source``'s titles; returns
    the chunks copied."""
    import numpy as np

    from careerbot.store.database import Database
    from careerbot.store.records import SQLRecordManager

    stored = source.stored()
    ids = sorted(stored)
    with Database(target.settings) as database:
        database.migrate()
        SQLRecordManager(database, target.name).update(
            ids, group_ids=[str(stored[i][SOURCE]) for i in ids]
        )
    for start in range(0, len(ids), COPY_BATCH):
        rows = source.documents(ids[start : start + COPY_BATCH])
        vectors = source.vectors_for(str(meta[CONTENT_HASH]) for _, _, meta in rows)
        target.upsert(
            [i for i, _, _ in rows],
            [text for _, text, _ in rows],
            [meta for _, _, meta in rows],
            np.stack([vectors[str(meta[CONTENT_HASH])] for _, _, meta in rows]),
        )
        if progress:
            progress(min(start + COPY_BATCH, len(ids)), len(ids))
    target.mark_complete(source.titles())
    return len(ids)


@contextmanager
def scratch_bot(
    live: CareerBot, answerer: Answerer, progress: Progress | None = None
) -> Iterator[CareerBot]:
    """A CareerBot over a copy of ``live``'s index in a temporary data dir (removed after),
    answering with ``answerer``; ingest into it freely."""
    from careerbot.bot import CareerBot

    with tempfile.TemporaryDirectory(prefix="careerbot-check-") as tmp:
        settings = live.settings.model_copy(
            update={"data_dir": Path(tmp), "chroma_host": None, "database_url": None}
        )
        bot = CareerBot(settings, embedder=live.embedder, answerer=answerer, build_if_missing=False)
        try:
            copy_chunks(live.store, bot.store, progress)
            yield bot
        finally:
            bot.store.handle.disconnect()
