"""The Chroma connection and one collection's lifecycle: find, create, complete, reopen, drop.

Each embedding model gets its own collection (``<collection>-<model>-<dim>``), so vectors of two
models are never mixed, and a collection only serves once its first ingest has finished
(``complete`` in its metadata). A new model's collection is built beside the old one.

Every call into chromadb goes through :meth:`CollectionHandle.guard`, which turns chromadb's
many error types into :mod:`careerbot.errors`.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from careerbot.errors import (
    IndexCorruptError,
    IndexMissingError,
    IndexStateError,
    VectorSegmentError,
)
from careerbot.settings import Settings
from careerbot.store.environment import environment_error
from careerbot.store.writer_lock import no_ingest

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

REBUILD_HINT = "Rebuild it with: careerbot ingest --rebuild"
REPAIR_HINT = "Repair it with: careerbot ingest"
# Chroma's words when its vector (HNSW) segment cannot be loaded: every read of the collection
# fails then, counts included, while its texts are intact (a kill while Chroma rewrote the
# segment's index_metadata.pickle leaves it cut short). ``careerbot ingest`` repairs that.
_SEGMENT_UNLOADABLE = re.compile(
    r"hnsw segment reader|loading hnsw index|deserializing pickle", re.I
)
# Errors that mean a wrong call, not a broken collection: they pass through untranslated.
CALL_ERRORS: tuple[type[Exception], ...] = (IndexStateError, ValueError, TypeError)

T = TypeVar("T")


def collection_name(settings: Settings, model_name: str, dimension: int) -> str:
    """The physical collection for one model: ``careerbot-all-minilm-l6-v2-384``."""
    model = re.sub(r"[^a-z0-9]+", "-", model_name.lower()).strip("-")
    return f"{settings.collection}-{model}-{dimension}"[:512]


def forget_cached_clients() -> None:
    """Drop chromadb's per-process client cache, so the next client opens the files afresh."""
    from chromadb.api.client import SharedSystemClient

    # chromadb caches one client per path in the process (broken ones included), and an open
    # embedded client keeps its own in-memory HNSW: it does not see another process's writes.
    SharedSystemClient.clear_system_cache()


def connect(settings: Settings) -> ClientAPI:
    """A chromadb client: the ``chroma run`` server when ``chroma_host`` is set, else the
    embedded database at ``chroma_path`` (created when missing). Telemetry is off."""
    import chromadb

    chroma_settings = chromadb.Settings(anonymized_telemetry=False)
    s = settings
    try:
        if s.chroma_host:
            return chromadb.HttpClient(
                host=s.chroma_host, port=s.chroma_port, settings=chroma_settings
            )
        s.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(s.chroma_path), settings=chroma_settings)
    except Exception as exc:  # noqa: BLE001 - chromadb raises many types for one cause
        disk = None if s.chroma_host else environment_error(exc, s.data_dir, "opened")
        if disk is not None:
            raise disk from exc
        if s.chroma_host:
            raise IndexStateError(
                f"Cannot reach the Chroma server at {s.chroma_host}:{s.chroma_port} ({exc}). "
                "Start it with `chroma run`, or unset CAREERBOT_CHROMA_HOST."
            ) from exc
        raise IndexCorruptError(
            f"The index at {s.chroma_path} cannot be opened ({exc}). {REBUILD_HINT}"
        ) from exc


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
        self._collection: Collection | None = None
        self._complete = False  # once true, stays true for this collection

    @property
    def _client(self) -> ClientAPI:
        with self._lock:
            if self._connected is None:
                self._connected = connect(self.settings)
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
        read-only disk) as :class:`StorageEnvironmentError` saying what to free or fix."""
        try:
            return fn()
        except passthrough:
            raise
        except Exception as exc:  # noqa: BLE001 - chromadb raises many types for one cause
            disk = (
                None
                if self.settings.chroma_host
                else environment_error(exc, self.settings.data_dir, what)
            )
            if disk is not None:
                raise disk from exc
            if _SEGMENT_UNLOADABLE.search(str(exc)):
                raise VectorSegmentError(
                    f"The index at {self.location} cannot be {what}: its vector segment is "
                    f"damaged ({exc}). {REPAIR_HINT}"
                ) from exc
            raise IndexCorruptError(
                f"The index at {self.location} cannot be {what} ({exc}). {REBUILD_HINT}"
            ) from exc

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

    def set_complete(self) -> None:
        """Mark the collection as filled by a finished ingest (kept in its metadata)."""
        collection = self.get()
        meta = dict(collection.metadata or {})
        if not meta.get("complete"):
            meta["complete"] = True
            meta.pop("hnsw:space", None)
            self.guard("written", lambda: collection.modify(metadata=meta))

    def reopen(self) -> None:
        """Open the embedded database afresh, to see another process's writes."""
        with self._lock:
            forget_cached_clients()
            self._connected = None
            self._collection = None

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
