"""The writes of an ingest: through ``langchain_core.indexing.index`` into the chunk store.

:func:`write` feeds a plan's chunks to ``index()`` with the persistent record manager: ``full``
cleanup for a whole-folder run, ``scoped_full`` otherwise. :class:`ChunkVectorStore` is the
LangChain ``VectorStore`` it writes through. Embedding happens there, so this is where unchanged text is caught: a chunk whose text (content
hash) is already stored reuses the stored vector, even when its metadata (a date, a link) moved
it to a new key. ``embedded`` counts the texts that really went through the model.

Each embedding batch is written to Chroma on a worker thread while the next one is embedded
(at most one write in flight; :meth:`ChunkVectorStore.flush` waits for it and raises what it
raised), and each write reports progress: a small ingest embeds in smaller batches
(:func:`~careerbot.ingest.options.progress_part`) so that its bar moves while it embeds.
``index()`` may record a batch before its write lands; a killed run is safe all the same,
since :func:`write` first forgets records of chunks the store lacks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.indexing import index as langchain_index
from langchain_core.vectorstores import VectorStore

from careerbot.embedding.embedder import Embedder
from careerbot.ingest.options import IngestOptions, progress_part
from careerbot.integrations.langchain import EmbedderEmbeddings
from careerbot.store.chroma import ChunkStore
from careerbot.store.database import Database
from careerbot.store.records import SQLRecordManager
from careerbot.store.schema import CONTENT_HASH, SOURCE, chunk_metadata, stored_id_of
from careerbot.types import Chunk

if TYPE_CHECKING:
    from careerbot.ingest.plan import Plan


class ChunkVectorStore(VectorStore):
    """A LangChain ``VectorStore`` over :class:`ChunkStore` that counts real embeddings."""

    def __init__(
        self,
        store: ChunkStore,
        embedder: Embedder,
        *,
        reuse_vectors: bool = True,
        on_write: Callable[[int], None] | None = None,
        part_size: int | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.reuse_vectors = reuse_vectors
        self.on_write = on_write
        self.part_size = part_size
        """Most texts embedded (and then written) at a time; None: the embedder's batch size."""
        self.embedded = 0
        self.deleted: set[str] = set()
        self._fresh: dict[str, np.ndarray] = {}  # embedded this run, maybe not yet written
        self._pool: ThreadPoolExecutor | None = None
        self._pending: Future[None] | None = None

    @property
    def embeddings(self) -> Embeddings:
        """The model used for writes and searches."""
        return EmbedderEmbeddings(self.embedder)

    def add_documents(
        self, documents: list[Document], ids: list[str] | None = None, **kwargs: Any
    ) -> list[str]:
        """Write documents (``page_content`` is the text to embed), reusing stored vectors.

        Those whose vectors are at hand are written first, the others as each embedding batch
        (of at most :attr:`part_size` texts) is done, so ``on_write`` hears of every part."""
        ids = ids or [str(d.id) for d in documents]
        hashes = [str(d.metadata[CONTENT_HASH]) for d in documents]
        vectors = {h: self._fresh[h] for h in hashes if h in self._fresh}
        if self.reuse_vectors:
            vectors |= self.store.vectors_for(h for h in hashes if h not in vectors)
        rows_of: dict[str, list[int]] = {}
        for row, h in enumerate(hashes):
            rows_of.setdefault(h, []).append(row)
        todo = {h: documents[r[0]].page_content for h, r in rows_of.items() if h not in vectors}
        ready = [row for row, h in enumerate(hashes) if h in vectors]
        if ready:
            self._write(ready, ids, documents, [vectors[hashes[r]] for r in ready])
        pending = list(todo)
        parts = self.embedder.encode_batches(list(todo.values()), max_texts=self.part_size)
        for batch, fresh in parts:
            done = [pending[i] for i in batch]
            self._fresh.update(zip(done, fresh, strict=True))
            self.embedded += len(done)
            rows = [r for h in done for r in rows_of[h]]
            self._write(rows, ids, documents, [self._fresh[hashes[r]] for r in rows])
        return ids

    def _write(
        self, rows: list[int], ids: list[str], documents: list[Document], vectors: list[Any]
    ) -> None:
        """Write ``rows`` of a batch (with their ``vectors``) on the worker thread, once the
        write in flight, which ran while these were embedded, has landed."""
        args = (
            [ids[r] for r in rows],
            [documents[r].page_content for r in rows],
            [dict(documents[r].metadata) for r in rows],
            np.stack(vectors),
        )
        self.flush()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="careerbot-write")
        self._pending = self._pool.submit(self._upsert, *args)

    def _upsert(
        self, ids: list[str], texts: list[str], metadatas: list[dict[str, Any]], vectors: Any
    ) -> None:
        self.store.upsert(ids, texts, metadatas, vectors)
        if self.on_write:
            self.on_write(len(ids))

    def flush(self) -> None:
        """Wait for the write in flight, raising what it raised."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        """Wait for the write in flight (raising what it raised) and stop the worker."""
        try:
            self.flush()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None

    def add_texts(
        self,
        texts: Iterable[str],
        metadatas: list[dict[str, Any]] | None = None,
        *,
        ids: list[str] | None = None,
        **kwargs: Any,
    ) -> list[str]:
        """LangChain interface: texts with metadata that carries a ``content_hash``."""
        texts = list(texts)
        metadatas = metadatas or [{} for _ in texts]
        docs = [Document(page_content=t, metadata=m) for t, m in zip(texts, metadatas, strict=True)]
        return self.add_documents(docs, ids=ids)

    def delete(self, ids: list[str] | None = None, **kwargs: Any) -> bool:
        """Remove documents by id (after the write in flight)."""
        self.flush()
        self.store.delete(ids or [])
        self.deleted.update(ids or [])
        return True

    def similarity_search(self, query: str, k: int = 4, **kwargs: Any) -> list[Document]:
        """The ``k`` chunks nearest to ``query``."""
        self.flush()
        hits = self.store.query(self.embedder.encode([query])[0], k)
        return [Document(page_content=h.text, metadata=h.metadata, id=h.id) for h in hits]

    @classmethod
    def from_texts(
        cls,
        texts: list[str],
        embedding: Embeddings,
        metadatas: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> ChunkVectorStore:
        """Not supported: build one from a ChunkStore and an Embedder."""
        raise NotImplementedError("Use ChunkVectorStore(ChunkStore(...), Embedder())")


def documents_for(rows: Sequence[tuple[str, str, dict[str, Any]]]) -> list[Document]:
    """Stored ``(id, text, metadata)`` rows back as Documents (to re-feed kept chunks)."""
    return [Document(page_content=text, metadata=meta, id=i) for i, text, meta in rows]


def record_key(doc: Document) -> str:
    """The stored id of a Document's chunk: its key in the collection and the record manager."""
    return stored_id_of(doc.metadata)


def chunk_documents(chunks: Sequence[Chunk]) -> list[Document]:
    """Chunks as the Documents ``index()`` writes: the embedded text, and the stored metadata."""
    return [Document(page_content=c.embed_text, metadata=chunk_metadata(c)) for c in chunks]


class Written(NamedTuple):
    """What :func:`write` did."""

    embedded: int
    """Texts that went through the model."""
    deleted: int
    """Stored chunks deleted: by ``index()``'s cleanup and by the sweep (old versions too)."""


def write(
    plan: Plan,
    store: ChunkStore,
    embedder: Embedder,
    options: IngestOptions,
    *,
    stored_ids: set[str],
    database: Database,
) -> Written:
    """Carry out ``plan``: write through ``langchain_core.indexing.index``, then delete
    ``plan.sweep``.

    ``stored_ids`` is what the collection held when the plan was made (under the ingest lock,
    so still what it holds); ``database`` holds the record manager's records.
    """
    docs = chunk_documents(plan.chunks)
    if plan.scope.whole:  # a full cleanup deletes whatever is not fed again
        docs += documents_for(store.documents(plan.kept))
    total = plan.to_write
    progress = options.progress
    done = 0

    def on_write(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    if progress:
        progress(0, total)
    embedder = embedder.for_documents(total)
    writer = ChunkVectorStore(
        store,
        embedder,
        reuse_vectors=not plan.rebuild,
        on_write=on_write,
        part_size=progress_part(total, embedder.batch_size),
    )
    # Each write batch is embedded as padded batches: texts of one token length waste nothing.
    lengths = embedder.token_lengths([d.page_content for d in docs])
    docs = [docs[i] for i in sorted(range(len(docs)), key=lambda i: lengths[i])]
    records = SQLRecordManager(database, store.name)
    try:
        # Records must not claim chunks the store lacks (a replaced or lost collection), or
        # index() would skip writing them; a rebuild forgets them all so all is written again.
        present = set() if plan.rebuild else stored_ids
        records.delete_keys([k for k in records.list_keys() if k not in present])
        langchain_index(
            docs,
            records,
            writer,
            cleanup="full" if plan.scope.whole else "scoped_full",
            source_id_key=SOURCE,
            batch_size=options.batch_size,
            key_encoder=record_key,
        )
        writer.close()  # every batch written before the sweep
        store.delete(plan.sweep)
        records.delete_keys(list(plan.sweep))
    finally:
        writer.close()  # a write in flight lands (or fails) before the run ends
    return Written(writer.embedded, len(writer.deleted | (set(plan.sweep) & stored_ids)))
