"""The connection to Chroma: a ``chroma run`` server when ``chroma_host`` is set, else the
embedded database in the data dir; and how a server that cannot be reached is told apart.

A refused, dropped or timed-out connection to the server is
:class:`~careerbot.errors.SearchServerUnreachableError` (retried a few times first, see
:meth:`CollectionHandle.guard <careerbot.store.collection.CollectionHandle.guard>`), never a
damaged index: a rebuild would not help, and the server may be back in a moment.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING

from careerbot.errors import (
    IndexCorruptError,
    IndexStateError,
    SearchServerUnreachableError,
    VectorSegmentError,
    causes,
)
from careerbot.settings import Settings
from careerbot.store.environment import environment_error
from careerbot.store.http_client import timed_http_client, timed_out

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

REBUILD_HINT = "Rebuild it with: careerbot ingest --rebuild"
REPAIR_HINT = "Repair it with: careerbot ingest"
# Pauses before each retry of a call the Chroma server did not take (refused, dropped, timed
# out): a restarting server is often back within them. A caller learns the server is
# unreachable after about their sum (0.5 s) on a refused connection.
UNREACHABLE_RETRY_DELAYS = (0.1, 0.4)
# chromadb's words (a ValueError) when the client cannot reach the server at all.
_NO_SERVER = "could not connect to a chroma server"
# chromadb's client cache is per process and unguarded: it registers a path's System before
# starting it, so a second thread making a client of that path meanwhile got one not yet started
# ("'RustBindingsAPI' object has no attribute 'bindings'", then "Could not connect to tenant"),
# and its cleanup stopped the first thread's. Clients are made, and the cache cleared, under
# this lock: it guards chromadb's own process-wide state, so it is process-wide too.
_CLIENT_CACHE = threading.Lock()


def forget_cached_clients() -> None:
    """Drop chromadb's per-process client cache, so the next client opens the files afresh."""
    from chromadb.api.client import SharedSystemClient

    # chromadb caches one client per path in the process (broken ones included), and an open
    # embedded client keeps its own in-memory HNSW: it does not see another process's writes.
    with _CLIENT_CACHE:
        SharedSystemClient.clear_system_cache()


# Chroma's words when its vector (HNSW) segment cannot be loaded, or its write log cannot be
# applied to it: every read of the collection fails then, counts included, while its texts are
# intact (a kill while Chroma rewrote the segment's index_metadata.pickle leaves it cut short;
# one while it wrote the segment's files left logs it could not apply, seen in CI).
# ``careerbot ingest`` repairs that.
_SEGMENT_UNLOADABLE = re.compile(
    r"hnsw segment reader|hnsw segment writer|loading hnsw index|deserializing pickle", re.I
)


def is_segment_unloadable(exc: BaseException) -> bool:
    """Whether ``exc`` says Chroma could not load the collection's vector segment (its texts
    intact): ``careerbot ingest`` repairs that."""
    return bool(_SEGMENT_UNLOADABLE.search(str(exc)))


# Pauses before each read on a fresh view after a stale one. Another reader applying a killed
# writer's log to the same files makes a fresh view fail for a moment too (seen in the kill -9
# fault test): only a view that still fails after them is called damaged.
FRESH_VIEW_PAUSES = (0.0, 0.3, 1.0)

_COLLECTION_GONE = re.compile(r"collection \S+ does not exist", re.I)


def collection_gone(exc: BaseException) -> bool:
    """Whether ``exc`` says the collection this view opened is gone: another process deleted
    it (a repair deletes it and makes it anew under the same name)."""
    return bool(_COLLECTION_GONE.search(str(exc)))


def stale_view(exc: BaseException) -> bool:
    """Whether ``exc`` may come from this process's view of an embedded collection that another
    process changed under it: a vector segment it cannot load or apply its log to, or a
    collection deleted (a repair makes it anew). A fresh view tells whether it lasts."""
    return is_segment_unloadable(exc) or collection_gone(exc)


def chroma_error(settings: Settings, location: str, what: str, exc: Exception) -> Exception:
    """The careerbot error for chromadb's ``exc`` while the index at ``location`` was being
    ``what`` ("read", "written", ...): a full or read-only disk, a collection another process
    made anew (ask again), a damaged vector segment (repair), else a damaged index (rebuild)."""
    disk = None if settings.chroma_host else environment_error(exc, settings.data_dir, what)
    if disk is not None:
        return disk
    if collection_gone(exc):
        return IndexCorruptError(
            f"The index at {location} was made anew by another process while this one read it "
            f"({exc}); it is opened afresh for the next question. Ask again in a few seconds."
        )
    if is_segment_unloadable(exc):
        return VectorSegmentError(
            f"The index at {location} cannot be {what}: its vector segment is damaged ({exc}). "
            f"{REPAIR_HINT}"
        )
    return IndexCorruptError(f"The index at {location} cannot be {what} ({exc}). {REBUILD_HINT}")


def ingest_rewriting_error(location: str) -> IndexStateError:
    """What a reader says when an ingest is changing the collection under its view: a moment's
    wait, not a repair."""
    return IndexStateError(
        f"An ingest is rewriting the index at {location}; it cannot be searched for now. "
        "Ask again in a few seconds."
    )


def is_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` (or one it came from) means the Chroma server could not be reached:
    a refused, dropped or timed-out connection, not an answer saying something is wrong."""
    import httpx

    kinds = (SearchServerUnreachableError, httpx.TransportError, ConnectionError)
    return any(isinstance(e, kinds) or _NO_SERVER in str(e).lower() for e in causes(exc))


def unreachable_error(settings: Settings, exc: BaseException) -> SearchServerUnreachableError:
    """The error for a Chroma server that did not take a call: where, why, and that careerbot
    keeps trying (never to rebuild: nothing is known to be wrong with the index)."""
    if isinstance(exc, SearchServerUnreachableError):
        return exc
    if timed_out(exc):
        return SearchServerUnreachableError(
            f"The search server at {settings.chroma_host}:{settings.chroma_port} is unreachable: "
            f"it did not answer within {settings.chroma_timeout:g} s (CAREERBOT_CHROMA_TIMEOUT); "
            "retrying. Questions are answered again as soon as it answers: check that `chroma "
            "run` there is not stuck or overloaded (raise CAREERBOT_CHROMA_TIMEOUT if slow writes "
            "are expected)."
        )
    return SearchServerUnreachableError(
        f"The search server at {settings.chroma_host}:{settings.chroma_port} is unreachable "
        f"({type(exc).__name__}: {exc}); retrying. Questions are answered again as soon as it "
        "is back: check that `chroma run` is running there (or unset CAREERBOT_CHROMA_HOST "
        "to use an embedded index)."
    )


def connect(settings: Settings) -> ClientAPI:
    """A chromadb client: the ``chroma run`` server when ``chroma_host`` is set, else the
    embedded database at ``chroma_path`` (created when missing). Telemetry is off."""
    import chromadb

    chroma_settings = chromadb.Settings(anonymized_telemetry=False)
    s = settings
    try:
        if s.chroma_host:
            # Not under _CLIENT_CACHE: HTTP clients are not cached by path, and a server that
            # never answers would hold the lock for every other client in the process.
            return timed_http_client(
                str(s.chroma_host), s.chroma_port, s.chroma_timeout, chroma_settings
            )
        s.chroma_path.mkdir(parents=True, exist_ok=True)
        with _CLIENT_CACHE:
            return chromadb.PersistentClient(path=str(s.chroma_path), settings=chroma_settings)
    except Exception as exc:  # noqa: BLE001 - chromadb raises many types for one cause
        disk = None if s.chroma_host else environment_error(exc, s.data_dir, "opened")
        if disk is not None:
            raise disk from exc
        if s.chroma_host and is_unreachable(exc):
            raise unreachable_error(s, exc) from exc
        if s.chroma_host:
            raise IndexStateError(
                f"Cannot use the Chroma server at {s.chroma_host}:{s.chroma_port} ({exc}). "
                "Check that it runs `chroma run`, or unset CAREERBOT_CHROMA_HOST."
            ) from exc
        raise IndexCorruptError(
            f"The index at {s.chroma_path} cannot be opened ({exc}). {REBUILD_HINT}"
        ) from exc
