"""The ingest lock: one writer at a time per data dir, and whether a writer holds it now.

It lives with the store because readers ask it too: a reader reopens its view of the
embedded database only while no ingest is writing (a fresh client mid-ingest broke that
ingest's writes)."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from careerbot.errors import IndexStateError


@contextmanager
def ingest_lock(data_dir: Path) -> Iterator[None]:
    """Hold ``<data_dir>/ingest.lock`` for the block (embedded Chroma is not safe for two
    writers); raises :class:`~careerbot.errors.IndexStateError` when another ingest holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "ingest.lock").open("w") as handle:
        # A reader in no_ingest holds the lock shared for a moment: wait that out.
        deadline = time.monotonic() + 10.0
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
