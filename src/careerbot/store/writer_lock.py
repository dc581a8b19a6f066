"""The ingest locks: one writer at a time per data dir (a file lock) and, when editors share a
PostgreSQL database, per collection across machines (an advisory lock); and whether a writer
holds the data dir's lock now.

It lives with the store because readers ask it too: a reader reopens its view of the
embedded database only while no ingest is writing (a fresh client mid-ingest broke that
ingest's writes)."""

from __future__ import annotations

import fcntl
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from careerbot.errors import IndexStateError
from careerbot.store.database import Database

WAIT_SECONDS = 10.0


@contextmanager
def ingest_lock(data_dir: Path) -> Iterator[None]:
    """Hold ``<data_dir>/ingest.lock`` for the block (embedded Chroma is not safe for two
    writers); raises :class:`~careerbot.errors.IndexStateError` when another ingest holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "ingest.lock").open("w") as handle:
        # A reader in no_ingest holds the lock shared for a moment: wait that out.
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise IndexStateError(
                        f"Another ingest is running on {data_dir}; wait for it to finish, "
                        "then retry."
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def no_ingest(data_dir: Path) -> Iterator[bool]:
    """True when no ingest holds the lock of ``data_dir``, and then none starts until the block
    ends (it holds the lock shared; an ingest waits it out): for a reader that reopens its
    view of the database, which must not overlap an ingest's writes."""
    try:
        handle = (data_dir / "ingest.lock").open("r")
    except OSError:
        yield True  # no ingest ever ran here
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ingest_running(data_dir: Path) -> bool:
    """Whether an ingest holds the lock of ``data_dir`` now."""
    with no_ingest(data_dir) as idle:
        return not idle


def advisory_key(collection: str) -> int:
    """The PostgreSQL advisory lock key of a collection (a signed 64-bit hash of its name)."""
    digest = hashlib.sha256(f"careerbot-ingest:{collection}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def shared_ingest_lock(database: Database, collection: str) -> Iterator[None]:
    """Hold the collection's advisory lock in a PostgreSQL ``database`` for the block (waiting
    up to ten seconds), so two editors on different machines never write at once; raises
    :class:`~careerbot.errors.IndexStateError` when another editor keeps it. A killed editor's
    lock goes with its connection. Nothing to hold with SQLite (one machine: the file lock)."""
    if not database.is_postgres:
        yield
        return
    key = advisory_key(collection)
    with database.errors(), database.engine.connect() as conn:
        deadline = time.monotonic() + WAIT_SECONDS
        while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            conn.rollback()
            if time.monotonic() > deadline:
                raise IndexStateError(
                    f"Another editor is ingesting into {collection} (it holds the ingest lock "
                    f"in {database.describe()}); wait for it to finish, then retry."
                )
            time.sleep(0.1)
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()
