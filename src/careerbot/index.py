"""The vector store: a Chroma collection, embedded on disk or on a ``chroma run`` server.

This is the only module that imports chromadb. It stores chunks with their metadata, answers
nearest-neighbour queries, and reports what it already holds so ingest can skip unchanged work.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Hit:
    """One nearest neighbour: a stored chunk and its cosine similarity to the query."""

    id: str
    text: str
    metadata: dict[str, Any]
    score: float


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    """The metadata stored beside a chunk (Chroma takes flat scalars only)."""
    meta: dict[str, str | int] = {
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
        "content_hash": chunk.content_hash,
    }
    meta["meta_hash"] = hashlib.sha256(json.dumps(meta, sort_keys=True).encode()).hexdigest()[:32]
    return meta


def set_aside_local_index(settings: Settings) -> Path | None:
    """Move an unreadable embedded index out of the way (kept for inspection), for a rebuild.

    Returns where it went, or None when there was nothing to move.
    """
    path = settings.chroma_path
    if settings.chroma_host or not path.exists():
        return None
    target = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
    path.rename(target)
    from chromadb.api.client import SharedSystemClient

    # chromadb caches one client per path in the process, broken ones included.
    SharedSystemClient.clear_system_cache()
    return target


class ChunkStore:
    """A Chroma collection of chunks, cosine space, tagged with the model that embedded it."""

    def __init__(self, settings: Settings, *, model_name: str, dimension: int) -> None:
        self.settings = settings
        self.model_name = model_name
        self.dimension = dimension
        self._client = self._connect()
        self._collection: Collection | None = None

    @property
    def location(self) -> str:
        """Where the index lives, for messages."""
        s = self.settings
        if s.chroma_host:
            return f"Chroma server {s.chroma_host}:{s.chroma_port}, collection {s.collection!r}"
        return f"{s.chroma_path} (collection {s.collection!r})"

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
            if self.settings.collection not in names:
                return None
            collection = self._client.get_collection(self.settings.collection)
        except Exception as exc:  # noqa: BLE001
            raise IndexCorruptError(
                f"The index at {self.location} cannot be read ({exc}). {REBUILD_HINT}"
            ) from exc
        meta = collection.metadata or {}
        if meta.get("model") != self.model_name or meta.get("dimension") != self.dimension:
            raise IndexStateError(
                f"The index at {self.location} was built with the model "
                f"{meta.get('model')!r} ({meta.get('dimension')} dimensions), not "
                f"{self.model_name!r} ({self.dimension}). {REBUILD_HINT}"
            )
        return collection

    def exists(self) -> bool:
        """Whether the collection exists and holds at least one chunk."""
        return self._find() is not None and self.count() > 0

    def collection(self, *, create: bool = False) -> Collection:
        """The Chroma collection; ``create`` makes it when missing."""
        if self._collection is None:
            found = self._find()
            if found is None:
                if not create:
                    raise IndexMissingError(
                        f"No index at {self.location} yet. Build it with: careerbot ingest"
                    )
                found = self._client.create_collection(
                    self.settings.collection,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={"model": self.model_name, "dimension": self.dimension},
                    embedding_function=None,
                )
            self._collection = found
        return self._collection

    def count(self) -> int:
        """Chunks stored."""
        try:
            return self.collection().count()
        except IndexMissingError:
            return 0
        except IndexStateError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise IndexCorruptError(
                f"The index at {self.location} cannot be read ({exc}). {REBUILD_HINT}"
            ) from exc

    def stored(self) -> dict[str, dict[str, Any]]:
        """Metadata of every stored chunk, by id."""
        try:
            collection = self.collection()
        except IndexMissingError:
            return {}
        got = collection.get(include=["metadatas"])
        return {i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"] or [], strict=True)}

    def upsert(self, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None:
        """Write chunks with their embeddings (same ids replace what was there)."""
        if not chunks:
            return
        self.collection(create=True).upsert(
            ids=[c.id for c in chunks],
            embeddings=embeddings,
            documents=[c.text for c in chunks],
            metadatas=[chunk_metadata(c) for c in chunks],
        )

    def update_metadata(self, chunks: Sequence[Chunk]) -> None:
        """Refresh metadata (a new date, a new link) without re-embedding."""
        if chunks:
            # Text is unchanged (it is in the content hash), so only metadata is sent: sending
            # documents without embeddings would make Chroma try to embed them itself.
            self.collection().update(
                ids=[c.id for c in chunks], metadatas=[chunk_metadata(c) for c in chunks]
            )

    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks by id."""
        if ids:
            self.collection().delete(ids=list(ids))

    def drop(self) -> None:
        """Delete the whole collection."""
        if self._find() is not None:
            self._client.delete_collection(self.settings.collection)
        self._collection = None

    def query(self, embedding: np.ndarray, n: int) -> list[Hit]:
        """The ``n`` nearest chunks to a unit-length query embedding, best first."""
        collection = self.collection()
        n = min(n, collection.count())
        if n == 0:
            return []
        res = collection.query(
            query_embeddings=[embedding], n_results=n, include=["documents", "metadatas", "distances"]
        )
        return [
            Hit(id=i, text=doc or "", metadata=dict(meta or {}), score=1.0 - float(dist))
            for i, doc, meta, dist in zip(
                res["ids"][0],
                (res["documents"] or [[]])[0],
                (res["metadatas"] or [[]])[0],
                (res["distances"] or [[]])[0],
                strict=True,
            )
        ]
