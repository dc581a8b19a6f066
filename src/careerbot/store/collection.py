"""The Chroma connection and one collection's lifecycle: find, create, complete, reopen, drop.

Each embedding model gets its own collection (``<collection>-<model>-<dim>``), so vectors of two
models are never mixed, and a collection only serves once its first ingest has finished
(``complete`` in its metadata). A new model's collection is built beside the old one.

Every call into chromadb goes through :meth:`CollectionHandle.guard`, which turns chromadb's
many error types into :mod:`careerbot.errors` (the connection itself is
:mod:`careerbot.store.connection`'s).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from careerbot.errors import (
    IndexMissingError,
    IndexStateError,
)
from careerbot.settings import Settings
from careerbot.store.connection import (
    REBUILD_HINT,
    UNREACHABLE_RETRY_DELAYS,
    chroma_error,
    collection_gone,
    connect,
    forget_cached_clients,
    is_unreachable,
    unreachable_error,
)
from careerbot.store.http_client import ConnectGate, timed_out
from careerbot.store.writer_lock import no_ingest

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

# Errors that mean a wrong call, not a broken collection: they pass through untranslated.
CALL_ERRORS: tuple[type[Exception], ...] = (IndexStateError, ValueError, TypeError)
# The collection metadata key holding the index's generation (see careerbot.store.generation).
GENERATION_KEY = "generation"

T = TypeVar("T")


def collection_name(settings: Settings, model_name: str, dimension: int) -> str:
    """The physical collection for one model: ``careerbot-all-minilm-l6-v2-384``."""
    model = re.sub(r"[^a-z0-9]+", "-", model_name.lower()).strip("-")
    return f"{settings.collection}-{model}-{dimension}"[:512]


class CollectionHandle:
    """One model's collection on one connection (cosine space), opened on first use."""

    def __init__(self, settings: Settings, *, model_name: str, dimension: int) -> None:
        self.settings = settings
        self.model_name = model_name
        self.dimension = dimension
        self.name = collection_name(settings, model_name, dimension)
        self._lock = threading.RLock()
        self._reopened = -1e9  # monotonic time of the last reopen_if_idle
        # Connected on first use: an embedded database is created (its folder made) only by a
        # write, so opening a bot where there is no index leaves nothing behind.
        self._connected: ClientAPI | None = None
        self._gate = ConnectGate(settings.chroma_timeout)
        self._collection: Collection | None = None
        self._complete = False  # once true, stays true for this collection

    @property
    def _client(self) -> ClientAPI:
        with self._lock:
            if self._connected is None:
                self._connected = self._gate.connect(lambda: connect(self.settings))
            return self._connected

    def _nothing_on_disk(self) -> bool:
        """An embedded database that was never written: there is no collection to find."""
        return not self.settings.chroma_host and not self.settings.chroma_path.exists()

    @property
    def location(self) -> str:
        """Where the collection lives, for messages."""
        s = self.settings
        where = (
            f"Chroma server {s.chroma_host}:{s.chroma_port}"
            if s.chroma_host
            else str(s.chroma_path)
        )
        return f"{where} (collection {self.name!r})"

    def guard(
        self,
        what: str,
        fn: Callable[[], T],
        *,
        passthrough: tuple[type[Exception], ...] = CALL_ERRORS,
    ) -> T:
        """``fn()``, with a chromadb failure raised as :class:`IndexCorruptError` saying what
        could not be done (``what``: "read", "written", ...) and how to rebuild, or (a full or
        read-only disk) as :class:`StorageEnvironmentError` saying what to free or fix.

        A Chroma server that does not take the call is asked again after each of
        :data:`UNREACHABLE_RETRY_DELAYS` (one that took it but did not answer within
        ``chroma_timeout`` is not); then the connection is dropped (the next call connects
        afresh) and :class:`SearchServerUnreachableError` raised."""
        delays = iter(UNREACHABLE_RETRY_DELAYS)
        while True:
            try:
                return fn()
            except passthrough as exc:
                if not self._retried(exc, delays):
                    raise
            except Exception as exc:  # noqa: BLE001 - chromadb raises many types for one cause
                if not self._retried(exc, delays):
                    if collection_gone(exc):
                        # Another process deleted it (a repair makes it anew, and may not have
                        # finished or stamped it yet): the next call looks it up by name.
                        with self._lock:
                            self._collection = None
                    raise chroma_error(self.settings, self.location, what, exc) from exc

    def _retried(self, exc: Exception, delays: Iterator[float]) -> bool:
        """Whether to call again after ``exc`` (having waited); raises
        :class:`SearchServerUnreachableError` once the retries are spent."""
        if not self.settings.chroma_host or not is_unreachable(exc):
            return False
        delay = None if timed_out(exc) else next(delays, None)
        if delay is None:
            self.disconnect()
            error = unreachable_error(self.settings, exc)
            if error is exc:
                raise error
            raise error from exc
        time.sleep(delay)
        return True

    def find(self) -> Collection | None:
        """The collection, or None when it does not exist; checks it holds this model's vectors."""

        def lookup() -> Collection | None:
            names = {c if isinstance(c, str) else c.name for c in self._client.list_collections()}
            return self._client.get_collection(self.name) if self.name in names else None

        if self._nothing_on_disk():
            return None
        # Any failure to list or open it means an unreadable database, wrong arguments included.
        collection = self.guard("read", lookup, passthrough=())
        if collection is None:
            return None
        meta = collection.metadata or {}
        if meta.get("model") != self.model_name or meta.get("dimension") != self.dimension:
            raise IndexStateError(
                f"The collection {self.name!r} holds vectors of the model {meta.get('model')!r} "
                f"({meta.get('dimension')} dimensions), not {self.model_name!r}. {REBUILD_HINT}"
            )
        return collection

    def get(self, *, create: bool = False) -> Collection:
        """The Chroma collection; ``create`` makes it (not yet complete) when missing."""
        with self._lock:
            if self._collection is None:
                found = self.find()
                if found is None:
                    if not create:
                        raise IndexMissingError(
                            f"No index at {self.location} yet. Build it with: careerbot ingest"
                        )
                    configuration: Any = {"hnsw": self.hnsw_configuration()}
                    found = self.guard(
                        "created",
                        lambda: self._client.create_collection(
                            self.name,
                            configuration=configuration,
                            metadata={
                                "model": self.model_name,
                                "dimension": self.dimension,
                                "complete": False,
                            },
                            embedding_function=None,
                        ),
                    )
                else:
                    self._apply_ef_search(found)
                self._collection = found
            return self._collection

    def hnsw_configuration(self) -> dict[str, Any]:
        """The HNSW parameters a new collection is created with (cosine space)."""
        s = self.settings
        return {
            "space": "cosine",
            "ef_search": s.hnsw_ef_search,
            "ef_construction": s.hnsw_ef_construction,
            "max_neighbors": s.hnsw_max_neighbors,
        }

    def _apply_ef_search(self, collection: Collection) -> None:
        """Bring an existing collection's ``ef_search`` in line with the settings.

        Chroma stores it and uses it from the next load of the index, so this runs when the
        collection is first opened, before any query. ``ef_construction`` and ``max_neighbors``
        shape the graph and only change with a rebuild.
        """
        hnsw = (collection.configuration or {}).get("hnsw") or {}
        wanted = self.settings.hnsw_ef_search
        if hnsw and hnsw.get("ef_search") != wanted:
            self.guard(
                "configured",
                lambda: collection.modify(configuration={"hnsw": {"ef_search": wanted}}),
            )

    def is_complete(self) -> bool:
        """Whether a finished ingest has filled this collection (it may serve)."""
        if not self._complete:
            found = self.find()
            self._complete = found is not None and bool((found.metadata or {}).get("complete"))
        return self._complete

    def publish(self, generation: str) -> None:
        """Mark the collection as filled by a finished ingest and record ``generation`` in its
        metadata (the other keys kept), where readers anywhere look for it."""
        collection = self.get()
        found = self.find() or collection  # the metadata as stored now, not as first opened
        meta = dict(found.metadata or {})
        meta.pop("hnsw:space", None)
        meta |= {"complete": True, GENERATION_KEY: generation}
        self.guard("written", lambda: collection.modify(metadata=meta))
        self._complete = True

    def generation(self) -> str:
        """The generation in the collection's metadata, read afresh ("" when there is no
        collection or no finished ingest recorded one). A collection dropped and made again
        since it was opened (a rebuild) is opened anew on next use."""
        found = self.find()
        if found is None:
            return ""
        with self._lock:
            if self._collection is not None and self._collection.id != found.id:
                self._collection = None
        return str((found.metadata or {}).get(GENERATION_KEY, ""))

    def disconnect(self) -> None:
        """Forget this handle's client and collection: the next call connects afresh."""
        with self._lock:
            self._connected = None
            self._collection = None

    def reopen(self) -> None:
        """Open the embedded database afresh, to see another process's writes."""
        forget_cached_clients()
        self.disconnect()

    @contextmanager
    def reopened_if_idle(self, *, min_interval: float = 1.0) -> Iterator[bool]:
        """Reopen the embedded database when no ingest is writing to it (and it was not
        reopened in the last ``min_interval`` seconds); yields whether it reopened, and no
        ingest starts until the block ends, so a read in it sees a settled database.

        For a view gone stale without a new stamp: an ingest killed after its deletes, before
        it stamped the index, leaves readers searching vectors that are gone."""
        now = time.monotonic()
        if self.settings.chroma_host or now - self._reopened < min_interval:
            yield False
            return
        with no_ingest(self.settings.data_dir) as idle:
            if idle:
                self._reopened = now
                self.reopen()
            yield idle

    def drop(self) -> None:
        """Delete the whole collection."""
        with self._lock:
            if self.find() is not None:
                self.guard("dropped", lambda: self._client.delete_collection(self.name))
            self._collection = None
            self._complete = False
