"""The ingest lock: one writer at a time per data dir."""

from __future__ import annotations

import fcntl
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
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexStateError(
                f"Another ingest is running on {data_dir}; wait for it to finish, then retry."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
