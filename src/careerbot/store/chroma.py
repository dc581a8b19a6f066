"""The vector store: a Chroma collection, embedded on disk or on a ``chroma run`` server.

This is the only module that imports chromadb. It stores chunks with their metadata, answers
nearest-neighbour queries, and reports what it already holds so ingest can skip unchanged work.

Each embedding model gets its own collection (``<collection>-<model>-<dim>``), so vectors of two
models are never mixed, and a collection only serves once its first ingest has finished
(``complete`` in its metadata). A new model's collection is built beside the old one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from careerbot.errors import IndexCorruptError, IndexMissingError, IndexStateError
from careerbot.settings import Settings
from careerbot.types import Chunk

if TYPE_CHECKING:
    import numpy as np
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

REBUILD_HINT = "Rebuild it with: careerbot ingest --rebuild"
# Rows per read of the whole collection.
PAGE = 5000


@dataclass(frozen=True)
class Hit:
    """One nearest neighbour: a stored chunk and its cosine similarity to the query."""

    id: str
    text: str
    metadata: dict[str, Any]
    score: float
    vector: np.ndarray | None = field(default=None, repr=False, compare=False)


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    """The metadata stored beside a chunk (Chroma takes flat scalars only)."""
    meta: dict[str, str | int] = {
        "chunk_key": chunk.id,
        "slug": chunk.slug,
        "title": chunk.title,
        "section": chunk.section,
        "anchor": chunk.anchor,
        "part": chunk.part,
        "canonical_url": chunk.canonical_url,
        "updated": chunk.updated,
        "links_to": ",".join(chunk.links_to),
        "article_links_to": ",".join(chunk.article_links_to),
        "source": chunk.source,
        "origin": chunk.origin,
        "content_hash": chunk.content_hash,
        "text_start": len(chunk.embed_text) - len(chunk.text),
    }
    meta["meta_hash"] = hashlib.sha256(json.dumps(meta, sort_keys=True).encode()).hexdigest()[:32]
    return meta


def collection_name(settings: Settings, model_name: str, dimension: int) -> str:
    """The physical collection for one model: ``careerbot-all-minilm-l6-v2-384``."""
    model = re.sub(r"[^a-z0-9]+", "-", model_name.lower()).strip("-")
    return f"{settings.collection}-{model}-{dimension}"[:512]


def set_aside_local_index(settings: Settings) -> Path | None:
    """Move an unreadable embedded index out of the way (kept for inspection), for a rebuild.

    Returns where it went, or None when there was nothing to move.
    """
    path = settings.chroma_path
    if settings.chroma_host or not path.exists():
        return None
    target = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
    path.rename(target)
    _forget_cached_clients()
    return target


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _forget_cached_clients() -> None:
    from chromadb.api.client import SharedSystemClient

    # chromadb caches one client per path in the process (broken ones included), and an open
    # embedded client keeps its own in-memory HNSW: it does not see another process's writes.
    SharedSystemClient.clear_system_cache()


class ChunkStore:
    """The chunks of one embedding model, in Chroma (cosine space)."""

    def __init__(self, settings: Settings, *, model_name: str, dimension: int) -> None:
        self.settings = settings
        self.model_name = model_name
        self.dimension = dimension
        self.name = collection_name(settings, model_name, dimension)
        self._lock = threading.RLock()
        self._stamp = self._read_stamp()
        self._client = self._connect()
        self._collection: Collection | None = None
        self._complete = False  # once true, stays true for this collection
        # Chroma's count() scans the collection (~25 ms at 100k chunks), so queries read it
        # once per ingest: (stamp, count), dropped by every write and reopen.
        self._counted: tuple[str, int] | None = None

    # -- where and what ------------------------------------------------------------------

    @property
    def location(self) -> str:
        """Where the index lives, for messages."""
        s = self.settings
        where = f"Chroma server {s.chroma_host}:{s.chroma_port}" if s.chroma_host else str(s.chroma_path)
        return f"{where} (collection {self.name!r})"

    @property
    def stamp_path(self) -> Path:
        """A file rewritten after every finished ingest; readers reopen when it changes."""
        return self.settings.data_dir / f"{self.name}.stamp"

    @property
    def records_path(self) -> Path:
        """The record manager's SQLite file, beside the index."""
        return self.settings.data_dir / "records.sqlite3"

    def _connect(self) -> ClientAPI:
        import chromadb

        chroma_settings = chromadb.Settings(anonymized_telemetry=False)
        s = self.settings
        try:
            if s.chroma_host:
                return chromadb.HttpClient(
                    host=s.chroma_host, port=s.chroma_port, settings=chroma_settings
                )
            s.chroma_path.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(s.chroma_path), settings=chroma_settings)
        except Exception as exc:  # noqa: BLE001 - chromadb raises many types for one cause
            if s.chroma_host:
                raise IndexStateError(
                    f"Cannot reach the Chroma server at {s.chroma_host}:{s.chroma_port} ({exc}). "
                    "Start it with `chroma run`, or unset CAREERBOT_CHROMA_HOST."
                ) from exc
            raise IndexCorruptError(
                f"The index at {s.chroma_path} cannot be opened ({exc}). {REBUILD_HINT}"
            ) from exc

    def _find(self) -> Collection | None:
        try:
            names = {c if isinstance(c, str) else c.name for c in self._client.list_collections()}
            if self.name not in names:
                return None
            collection = self._client.get_collection(self.name)
        except Exception as exc:  # noqa: BLE001
            raise IndexCorruptError(
                f"The index at {self.location} cannot be read ({exc}). {REBUILD_HINT}"
            ) from exc
        meta = collection.metadata or {}
        if meta.get("model") != self.model_name or meta.get("dimension") != self.dimension:
            raise IndexStateError(
                f"The collection {self.name!r} holds vectors of the model {meta.get('model')!r} "
                f"({meta.get('dimension')} dimensions), not {self.model_name!r}. {REBUILD_HINT}"
            )
        return collection

    def collection(self, *, create: bool = False) -> Collection:
        """The Chroma collection; ``create`` makes it (not yet complete) when missing."""
        with self._lock:
            if self._collection is None:
                found = self._find()
                if found is None:
                    if not create:
                        raise IndexMissingError(
                            f"No index at {self.location} yet. Build it with: careerbot ingest"
                        )
                    found = self._client.create_collection(
                        self.name,
                        configuration={"hnsw": self.hnsw_configuration()},
                        metadata={"model": self.model_name, "dimension": self.dimension,
                                  "complete": False},
                        embedding_function=None,
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
            self._guard("configured", lambda: collection.modify(
                configuration={"hnsw": {"ef_search": wanted}}
            ))

    def _guard(self, what: str, fn: Any) -> Any:
        try:
            return fn()
        except (IndexStateError, ValueError, TypeError):
            raise
        except Exception as exc:  # noqa: BLE001
            raise IndexCorruptError(
                f"The index at {self.location} cannot be {what} ({exc}). {REBUILD_HINT}"
            ) from exc

    # -- state ---------------------------------------------------------------------------

    def is_complete(self) -> bool:
        """Whether a finished ingest has filled this collection (it may serve)."""
        if not self._complete:
            found = self._find()
            self._complete = found is not None and bool((found.metadata or {}).get("complete"))
        return self._complete

    def exists(self) -> bool:
        """Whether the collection exists, was completed once, and holds chunks."""
        return self.is_complete() and self.count() > 0

    @property
    def titles_path(self) -> Path:
        """The titles of the stored articles, as the last finished ingest listed them."""
        return self.settings.data_dir / f"{self.name}.titles.json"

    def mark_complete(self, titles: Iterable[str] | None = None) -> None:
        """Record that an ingest finished, and tell other processes to reopen.

        ``titles`` (every stored article's title) is kept beside the stamp for :meth:`titles`.
        """
        collection = self.collection()
        meta = dict(collection.metadata or {})
        if not meta.get("complete"):
            meta["complete"] = True
            meta.pop("hnsw:space", None)
            collection.modify(metadata=meta)
        self.stamp_path.parent.mkdir(parents=True, exist_ok=True)
        stamp = f"{time.time_ns()}\n"
        if titles is not None:
            self._write_titles(stamp, titles)
        _write_atomically(self.stamp_path, stamp)
        self._stamp = self._read_stamp()

    def keep_titles(self, titles: Iterable[str]) -> None:
        """Record ``titles`` for the current stamp, after an ingest that changed nothing (and so
        leaves the stamp, and every reader's open index, as they are)."""
        self._write_titles(self.stamp, titles)

    def _write_titles(self, stamp: str, titles: Iterable[str]) -> None:
        _write_atomically(self.titles_path, json.dumps(
            {"stamp": stamp, "titles": sorted(set(titles))}, ensure_ascii=False))

    def titles(self) -> list[str]:
        """Titles of the stored articles: the list the last ingest kept, or (when it kept none,
        or another writer came after it) read from every chunk's metadata, which takes seconds
        at 100k chunks."""
        stamp = self.stamp
        try:
            kept = json.loads(self.titles_path.read_text())
            if kept.get("stamp") == stamp:
                return [str(t) for t in kept["titles"]]
        except (OSError, ValueError, KeyError, AttributeError):
            pass
        return sorted({str(m.get("title")) for m in self.stored().values()})

    @property
    def stamp(self) -> str:
        """The last finished ingest this store has seen (changes after each one)."""
        self.refresh_if_changed()
        return self._stamp

    def _read_stamp(self) -> str:
        try:
            return self.stamp_path.read_text()
        except OSError:
            return ""

    def refresh_if_changed(self) -> bool:
        """Reopen the embedded index if another process finished an ingest since we opened it.

        Returns whether it reopened. A Chroma server needs no reopening.
        """
        stamp = self._read_stamp()
        if stamp == self._stamp or self.settings.chroma_host:
            return False
        with self._lock:
            _forget_cached_clients()
            self._client = self._connect()
            self._collection = None
            self._stamp = stamp
            self._counted = None
        return True

    def count(self) -> int:
        """Chunks stored."""
        try:
            collection = self.collection()
        except IndexMissingError:
            return 0
        return int(self._guard("read", collection.count))

    def stored(self, where: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
        """Metadata of stored chunks (all, or those matching ``where``), by id."""
        try:
            collection = self.collection()
        except IndexMissingError:
            return {}
        found: dict[str, dict[str, Any]] = {}
        # Paged: one get of ~100k rows exceeds SQLite's variable limit inside Chroma.
        for offset in range(0, int(self._guard("read", collection.count)), PAGE):
            got = self._guard("read", lambda o=offset: collection.get(
                where=where, include=["metadatas"], limit=PAGE, offset=o))
            found.update(
                (i, dict(m or {})) for i, m in zip(got["ids"], got["metadatas"] or [], strict=True)
            )
            if len(got["ids"]) < PAGE:
                break
        return found

    def documents(self, ids: Sequence[str]) -> list[tuple[str, str, dict[str, Any]]]:
        """``(id, text, metadata)`` of the given chunks."""
        if not ids:
            return []
        got = self.collection().get(ids=list(ids), include=["documents", "metadatas"])
        return [
            (i, d or "", dict(m or {}))
            for i, d, m in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)
        ]

    def all_texts(self) -> tuple[list[str], list[str]]:
        """Ids and embedded texts of every stored chunk (for the keyword index)."""
        try:
            collection = self.collection()
        except IndexMissingError:
            return [], []
        ids: list[str] = []
        texts: list[str] = []
        total = int(self._guard("read", collection.count))
        for offset in range(0, total, PAGE):
            got = self._guard("read", lambda o=offset: collection.get(
                include=["documents"], limit=PAGE, offset=o))
            ids += got["ids"]
            texts += [d or "" for d in got["documents"] or []]
        return ids, texts

    def _count_for_queries(self, collection: Collection) -> int:
        counted = self._counted
        if counted is None or counted[0] != self._stamp:
            counted = (self._stamp, int(self._guard("read", collection.count)))
            self._counted = counted
        return counted[1]

    def hits(self, ids: Sequence[str], embedding: np.ndarray) -> list[Hit]:
        """The given chunks as hits scored by cosine similarity to ``embedding``, with their
        vectors but without text and metadata (:meth:`with_contents` reads those)."""
        import numpy as np

        if not ids:
            return []
        got = self._guard(
            "read", lambda: self.collection().get(ids=list(ids), include=["embeddings"])
        )
        vectors = np.asarray(got["embeddings"], dtype=np.float32)
        scores = vectors @ np.asarray(embedding, dtype=np.float32)
        return [
            Hit(id=i, text="", metadata={}, score=float(s), vector=v)
            for i, s, v in zip(got["ids"], scores, vectors, strict=True)
        ]

    def with_contents(self, hits: Sequence[Hit]) -> list[Hit]:
        """``hits`` (same order and scores) with their text and metadata read from the store;
        a chunk deleted since it was found is left out."""
        if not hits:
            return []
        got = self._guard("read", lambda: self.collection().get(
            ids=[h.id for h in hits], include=["documents", "metadatas"]))
        found = {
            i: (d or "", dict(m or {}))
            for i, d, m in zip(got["ids"], got["documents"] or [], got["metadatas"] or [],
                               strict=True)
        }
        return [
            replace(h, text=found[h.id][0], metadata=found[h.id][1]) for h in hits if h.id in found
        ]

    def vectors_for(self, content_hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """Stored vectors by content hash, to reuse instead of embedding the same text again."""
        import numpy as np

        wanted = sorted(set(content_hashes))
        if not wanted:
            return {}
        try:
            collection = self.collection()
        except IndexMissingError:
            return {}
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            got = collection.get(
                where={"content_hash": {"$in": part}}, include=["metadatas", "embeddings"]
            )
            for meta, vec in zip(got["metadatas"] or [], got["embeddings"], strict=True):
                found[str((meta or {})["content_hash"])] = np.asarray(vec, dtype=np.float32)
        return found

    # -- writes --------------------------------------------------------------------------

    def upsert(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
        embeddings: np.ndarray,
    ) -> None:
        """Write chunks with their embeddings (same ids replace what was there)."""
        if ids:
            collection = self.collection(create=True)
            self._counted = None
            self._guard("written", lambda: collection.upsert(
                ids=list(ids), embeddings=embeddings, documents=list(texts),
                metadatas=list(metadatas),
            ))

    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks by id."""
        if ids:
            collection = self.collection()
            self._counted = None
            self._guard("written", lambda: collection.delete(ids=list(ids)))

    def drop(self) -> None:
        """Delete the whole collection."""
        with self._lock:
            if self._find() is not None:
                self._client.delete_collection(self.name)
            self._collection = None
            self._complete = False
            self._counted = None

    # -- reads ---------------------------------------------------------------------------

    def query(
        self, embedding: np.ndarray, n: int, *, with_vectors: bool = False, contents: bool = True
    ) -> list[Hit]:
        """The ``n`` nearest chunks to a unit-length query embedding, best first
        (``with_vectors``: each hit carries its stored vector; ``contents=False``: hits without
        text and metadata, which cost Chroma more than the search itself at 100k chunks; see
        :meth:`with_contents`)."""
        import numpy as np

        self.refresh_if_changed()
        collection = self.collection()
        if not self.is_complete():
            raise IndexMissingError(
                f"The index at {self.location} is still being built. Run: careerbot ingest"
            )
        n = min(n, self._count_for_queries(collection))
        if n == 0:
            return []
        include = (["documents", "metadatas"] if contents else []) + ["distances"]
        include += ["embeddings"] if with_vectors else []
        res = self._guard(
            "searched",
            lambda: collection.query(query_embeddings=[embedding], n_results=n, include=include),
        )
        vectors = (
            [np.asarray(v, dtype=np.float32) for v in res["embeddings"][0]]
            if with_vectors else [None] * len(res["ids"][0])
        )
        ids = res["ids"][0]
        return [
            Hit(id=i, text=doc or "", metadata=dict(meta or {}), score=1.0 - float(dist), vector=v)
            for i, doc, meta, dist, v in zip(
                ids,
                (res["documents"] or [[""] * len(ids)])[0],
                (res["metadatas"] or [[{}] * len(ids)])[0],
                (res["distances"] or [[]])[0],
                vectors,
                strict=True,
            )
        ]
