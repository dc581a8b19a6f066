"""The chunk store: one embedding model's chunks in a Chroma collection, embedded on disk or on
a ``chroma run`` server.

It stores chunks with their metadata, answers nearest-neighbour queries, and reports what it
holds so ingest can skip unchanged work. The connection and the collection's lifecycle are
:class:`~careerbot.store.collection.CollectionHandle`'s (every read and write goes through its
error translation); the generation is :class:`~careerbot.store.generation.Generation`'s, and the
stamp and titles files :class:`~careerbot.store.sidecar.Sidecar`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from careerbot.errors import IndexMissingError
from careerbot.settings import Settings
from careerbot.store import schema
from careerbot.store.collection import CollectionHandle
from careerbot.store.generation import Generation, new_generation
from careerbot.store.hits import Hit, query_hits, scored_hits
from careerbot.store.sidecar import Sidecar

if TYPE_CHECKING:
    import numpy as np
    from chromadb.api.models.Collection import Collection
    from chromadb.api.types import GetResult, Include

# Rows per read of the whole collection (one get of ~100k rows passes SQLite's variable limit).
READ_PAGE_ROWS = 5000
# Content hashes per lookup of stored vectors.
HASHES_PER_READ = 500


class ChunkStore:
    """The chunks of one embedding model, in Chroma (cosine space)."""

    def __init__(self, settings: Settings, *, model_name: str, dimension: int) -> None:
        self.settings = settings
        self.model_name = model_name
        self.dimension = dimension
        self.handle = CollectionHandle(settings, model_name=model_name, dimension=dimension)
        self.name = self.handle.name
        self.sidecar = Sidecar(settings.data_dir, self.name)
        self.generation = Generation(self.handle, self.sidecar)
        # (stamp, count): count() scans (~25 ms at 100k), so read once per ingest and reopen.
        self._counted: tuple[str, int] | None = None

    @property
    def location(self) -> str:
        """Where the collection lives, for messages."""
        return self.handle.location

    def collection(self, *, create: bool = False) -> Collection:
        """The Chroma collection; ``create`` makes it (not yet complete) when missing."""
        return self.handle.get(create=create)

    def _read(self, fn: Any) -> Any:
        return self.handle.guard("read", fn)

    def _open(self) -> Collection | None:
        """The collection to read, or None when there is none yet."""
        try:
            return self.collection()
        except IndexMissingError:
            return None

    # -- state ---------------------------------------------------------------------------

    def is_complete(self) -> bool:
        """Whether a finished ingest has filled this collection (it may serve)."""
        return self.handle.is_complete()

    def exists(self) -> bool:
        """Whether the collection exists, was completed once, and holds chunks."""
        return self.is_complete() and self.count() > 0

    def mark_complete(self, titles: Iterable[str] | None = None) -> None:
        """Record that an ingest finished and start a new generation, which tells every reader
        (anywhere) to refresh what it derived from the index; ``titles`` (every stored
        article's title) is kept for :meth:`titles`."""
        generation = new_generation()
        if titles is not None:
            self.sidecar.write_titles(generation, titles)
        self.generation.publish(generation)

    def keep_titles(self, titles: Iterable[str]) -> None:
        """Record ``titles`` for the current stamp, after an ingest that changed nothing (and so
        leaves the stamp, and every reader's open collection, as they are)."""
        self.sidecar.write_titles(self.stamp, titles)

    def titles(self) -> list[str]:
        """Titles of the stored articles: the list the last ingest here kept, or (none kept,
        or another writer came after it) read from every chunk (seconds at 100k chunks)."""
        kept = self.sidecar.read_titles(self.stamp)
        return kept if kept is not None else self._scan(["metadatas"])[2]

    @property
    def stamp(self) -> str:
        """The collection's generation: the last finished ingest this store has seen (changes
        after each one that changed something; on a Chroma server, seen within
        ``generation_check_seconds``)."""
        self.generation.refresh()
        return self.generation.seen

    def refresh_if_changed(self) -> bool:
        """Take in a new generation (another process or machine finished an ingest); the
        embedded collection is reopened to see its writes. Returns whether it changed."""
        return self.generation.refresh()

    # -- reads ---------------------------------------------------------------------------

    def count(self) -> int:
        """Chunks stored."""
        collection = self._open()
        return 0 if collection is None else int(self._read(collection.count))

    def _pages(self, include: Include, where: dict[str, Any] | None = None) -> Iterator[GetResult]:
        """Every stored row (matching ``where``), ``READ_PAGE_ROWS`` at a time (none when
        there is no collection yet)."""
        collection = self._open()
        if collection is None:
            return
        total = int(self._read(collection.count))
        for offset in range(0, total, READ_PAGE_ROWS):
            got: GetResult = self._read(
                lambda o=offset: collection.get(
                    where=where, include=include, limit=READ_PAGE_ROWS, offset=o
                )
            )
            yield got
            if len(got["ids"]) < READ_PAGE_ROWS:
                break

    def stored(self, where: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
        """Metadata of stored chunks (all, or those matching ``where``), by id."""
        found: dict[str, dict[str, Any]] = {}
        for got in self._pages(["metadatas"], where):
            found.update(
                (i, dict(m or {})) for i, m in zip(got["ids"], got["metadatas"] or [], strict=True)
            )
        return found

    def all_texts(self) -> tuple[list[str], list[str]]:
        """Ids and embedded texts of every stored chunk."""
        ids, texts, _ = self._scan(["documents"])
        return ids, texts

    def texts_and_titles(self) -> tuple[list[str], list[str], list[str]]:
        """:meth:`all_texts` and the stored articles' titles (sorted), in one read: what the
        keyword index and its titles list are built from."""
        return self._scan(["documents", "metadatas"])

    def _scan(self, include: Include) -> tuple[list[str], list[str], list[str]]:
        ids: list[str] = []
        texts: list[str] = []
        titles: set[str] = set()
        for got in self._pages(include):
            ids += got["ids"]
            texts += [d or "" for d in got["documents"] or []]
            titles.update(str((m or {}).get(schema.TITLE)) for m in got["metadatas"] or [])
        return ids, texts, sorted(titles)

    def documents(self, ids: Sequence[str]) -> list[tuple[str, str, dict[str, Any]]]:
        """``(id, text, metadata)`` of the given chunks."""
        if not ids:
            return []
        collection = self.collection()
        got = self._read(lambda: collection.get(ids=list(ids), include=["documents", "metadatas"]))
        return [
            (i, d or "", dict(m or {}))
            for i, d, m in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
            )
        ]

    def hits(
        self, ids: Sequence[str], embedding: np.ndarray, where: dict[str, Any] | None = None
    ) -> list[Hit]:
        """The given chunks (those matching ``where``) as hits scored by cosine similarity to
        ``embedding``, with their vectors but without text and metadata (:meth:`with_contents`
        reads those). Chunks deleted since their ids were found are left out."""
        if not ids:
            return []
        got = self._read(
            lambda: self.collection().get(ids=list(ids), where=where, include=["embeddings"])
        )
        return scored_hits(got["ids"], got["embeddings"], embedding)

    def with_contents(self, hits: Sequence[Hit]) -> list[Hit]:
        """``hits`` (same order and scores) with their text and metadata read from the store;
        a chunk deleted since it was found is left out."""
        if not hits:
            return []
        found = {i: (text, meta) for i, text, meta in self.documents([h.id for h in hits])}
        return [
            replace(h, text=found[h.id][0], metadata=found[h.id][1]) for h in hits if h.id in found
        ]

    def vectors_for(self, content_hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """Stored vectors by content hash, to reuse instead of embedding the same text again."""
        import numpy as np

        wanted = sorted(set(content_hashes))
        collection = self._open() if wanted else None
        if collection is None:
            return {}
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(wanted), HASHES_PER_READ):
            part = wanted[start : start + HASHES_PER_READ]
            where: Any = {schema.CONTENT_HASH: {"$in": part}}
            got = self._read(
                lambda w=where: collection.get(where=w, include=["metadatas", "embeddings"])
            )
            for meta, vec in zip(got["metadatas"] or [], got["embeddings"], strict=True):
                found[str((meta or {})[schema.CONTENT_HASH])] = np.asarray(vec, dtype=np.float32)
        return found

    def _count_for_queries(self, collection: Collection) -> int:
        counted = self._counted
        stamp = self.generation.seen
        if counted is None or counted[0] != stamp:
            counted = (stamp, int(self._read(collection.count)))
            self._counted = counted
        return counted[1]

    def ids(self, where: dict[str, Any]) -> set[str]:
        """Ids of the stored chunks matching ``where``."""
        return {i for got in self._pages([], where) for i in got["ids"]}

    def query(
        self,
        embedding: np.ndarray,
        n: int,
        *,
        with_vectors: bool = False,
        contents: bool = True,
        where: dict[str, Any] | None = None,
    ) -> list[Hit]:
        """The ``n`` nearest chunks to a unit-length query embedding, best first
        (``with_vectors``: each hit carries its stored vector; ``contents=False``: hits without
        text and metadata, which cost Chroma more than the search itself at 100k chunks; see
        :meth:`with_contents`; ``where``: only chunks matching this Chroma filter)."""
        self.refresh_if_changed()
        collection = self.collection()
        if not self.is_complete():
            raise IndexMissingError(
                f"The index at {self.location} is still being built. Run: careerbot ingest"
            )
        n = min(n, self._count_for_queries(collection))
        if n == 0:
            return []
        include: Include = ["documents", "metadatas"] if contents else []
        include += ["distances"]
        include += ["embeddings"] if with_vectors else []
        res = self.handle.guard(
            "searched",
            lambda: collection.query(
                query_embeddings=[embedding], n_results=n, where=where, include=include
            ),
        )
        return query_hits(res, with_vectors=with_vectors)

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
            self.handle.guard(
                "written",
                lambda: collection.upsert(
                    ids=list(ids),
                    embeddings=embeddings,
                    documents=list(texts),
                    metadatas=list(metadatas),
                ),
            )

    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks by id."""
        if ids:
            collection = self.collection()
            self._counted = None
            self.handle.guard("written", lambda: collection.delete(ids=list(ids)))

    def drop(self) -> None:
        """Delete the whole collection."""
        self.handle.drop()
        self._counted = None
