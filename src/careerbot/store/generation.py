"""The index's generation: a value each finished ingest that changed something replaces, so
readers know to refresh what they derive from the collection (the keyword index, the titles).

It lives with the index, in the collection's metadata (``generation``), so every reader of a
Chroma server sees it, whichever machine and data dir it runs from; it reads the metadata at
most once per ``generation_check_seconds``. Embedded Chroma keeps the same value in the stamp
file beside the collection too (:class:`~careerbot.store.sidecar.Sidecar`): an open embedded
client does not see another process's writes, so its readers watch the file and reopen when it
changes. This module is the only one that decides which of the two a reader looks at.
"""

from __future__ import annotations

import threading
import time

from careerbot.store.collection import CollectionHandle
from careerbot.store.sidecar import Sidecar


def new_generation() -> str:
    """A generation no earlier ingest used (nanoseconds since the epoch)."""
    return str(time.time_ns())


class Generation:
    """The generation of one collection, as its readers see it and its ingests set it."""

    def __init__(self, handle: CollectionHandle, sidecar: Sidecar) -> None:
        self.handle = handle
        self.sidecar = sidecar
        self.server = bool(handle.settings.chroma_host)
        self.ttl = handle.settings.generation_check_seconds
        self._lock = threading.Lock()
        self._read: tuple[float, str] | None = None  # (monotonic time read, generation)
        # What this process has taken in: the embedded one's when opened; a server's on first
        # use (so making a store does not connect).
        self._seen: str | None = None if self.server else self.current()

    @property
    def seen(self) -> str:
        """The generation this process last took in (:meth:`refresh`)."""
        return self._seen or ""

    def refresh(self) -> bool:
        """Take in the current generation; returns whether it changed since the last one
        taken in. An embedded collection is reopened then, to see the other process's writes;
        a server's needs no reopening."""
        now = self.current()
        if now == self._seen:
            return False
        if self._seen is None:
            self._seen = now  # the first look: nothing was derived from an earlier one
            return False
        if not self.server:
            self.handle.reopen()
        self._seen = now
        return True

    def current(self) -> str:
        """The generation now ("" before the first finished ingest): the stamp file's for
        embedded Chroma, else the collection's metadata as read at most ``ttl`` seconds ago.

        Raises :class:`~careerbot.errors.SearchServerUnreachableError` when the server
        cannot be asked."""
        if not self.server:
            return self.sidecar.read_stamp().strip()
        read = self._read
        if read is not None and time.monotonic() - read[0] < self.ttl:
            return read[1]
        with self._lock:  # one reader asks the server; the others take its answer
            read = self._read
            if read is None or time.monotonic() - read[0] >= self.ttl:
                read = (time.monotonic(), self.handle.generation())
                self._read = read
            return read[1]

    def publish(self, generation: str) -> None:
        """Record ``generation`` (and that an ingest finished) in the collection's metadata,
        and for embedded readers in the stamp file."""
        self.handle.publish(generation)
        if not self.server:
            self.sidecar.write_stamp(generation)
        self._read = (time.monotonic(), generation)
        self._seen = generation
