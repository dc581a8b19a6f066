"""Ingest: the corpus on disk into the index, redoing only what changed.

The plan compares each chunk on disk with what the index holds (by chunk key and hashes), and
``langchain_core.indexing.index`` does the writing with a persistent record manager: ``full``
cleanup for a whole-corpus run, ``scoped_full`` when one article is ingested alone.

Why this is safe to interrupt: new and changed chunks are written first and stale ones deleted
last, so a killed ingest leaves every section answerable (old version, new version, or both,
of which retrieval shows one). The next ingest finds the written chunks in the record manager,
skips them, and finishes the cleanup. A source that fails to load keeps its indexed chunks.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from langchain_core.documents import Document
from langchain_core.indexing import index as langchain_index

from careerbot.chunking import chunk_article
from careerbot.embeddings import Embedder
from careerbot.errors import CorpusError
from careerbot.index import ChunkStore, chunk_metadata
from careerbot.records import SQLiteRecordManager
from careerbot.sources import Corpus, load_corpus
from careerbot.types import SEP, Chunk
from careerbot.vectorstore import ChunkVectorStore, documents_for

ProgressCallback = Callable[[int, int], None]
"""Called as ``(done, total)`` while chunks are written."""

Kind = Literal["added", "changed", "updated", "unchanged", "removed"]


def record_key(doc: Document) -> str:
    """The id of a chunk in the index and the record manager: readable, content-addressed."""
    return f"{doc.metadata['chunk_key']}@{str(doc.metadata['meta_hash'])[:16]}"


@dataclass(frozen=True)
class Change:
    """One section that an ingest added, changed or removed."""

    kind: str  # "added" | "changed" | "removed"
    title: str
    section: str

    def __str__(self) -> str:
        return f"{self.title}{SEP}{self.section}: {self.kind}"


@dataclass(frozen=True)
class ArticleCounts:
    """Chunks of one article by what the ingest does to them."""

    title: str
    added: int = 0
    changed: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did (or, with ``dry_run``, would do), in counts of chunks."""

    articles: int
    chunks: int
    added: int
    updated: int
    """Changed text (re-embedded) plus changed metadata only (vector reused)."""
    unchanged: int
    deleted: int
    embedded: int
    """Texts that went through the model (a dry run: that would)."""
    seconds: float
    errors: tuple[str, ...] = ()
    changes: tuple[Change, ...] = field(default=(), repr=False)
    per_article: tuple[ArticleCounts, ...] = field(default=(), repr=False)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """No source failed."""
        return not self.errors

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of ``careerbot ingest --json``."""
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "embedded": self.embedded,
            "errors": list(self.errors),
            "articles": self.articles,
            "chunks": self.chunks,
            "changes": [str(c) for c in self.changes],
            "dry_run": self.dry_run,
            "seconds": round(self.seconds, 3),
        }


def corpus_chunks(
    corpus: Corpus, embedder: Embedder, known_urls: dict[str, str] | None = None
) -> list[Chunk]:
    """Every chunk of a corpus, in article and section order.

    ``known_urls`` adds url → slug pairs of articles that are indexed but failed to load this
    time, so links to them still count as links into the corpus.
    """
    slug_for_url = dict(known_urls or {}) | {a.url: a.slug for a in corpus.articles if a.url}
    return [
        chunk
        for article in corpus.articles
        for chunk in chunk_article(
            article,
            count_tokens=embedder.count_tokens,
            max_tokens=embedder.max_tokens,
            slug_for_url=slug_for_url,
        )
    ]


def _classify(chunks: list[Chunk], stored: dict[str, dict[str, Any]]) -> dict[str, Kind]:
    by_key = {str(m.get("chunk_key")): m for m in stored.values()}
    kinds: dict[str, Kind] = {}
    for c in chunks:
        old = by_key.get(c.id)
        if old is None:
            kinds[c.id] = "added"
        elif old.get("content_hash") != c.content_hash:
            kinds[c.id] = "changed"
        elif old.get("meta_hash") != chunk_metadata(c)["meta_hash"]:
            kinds[c.id] = "updated"
        else:
            kinds[c.id] = "unchanged"
    return kinds


def ingest(
    path: Path,
    store: ChunkStore,
    embedder: Embedder,
    *,
    navigation_headings: tuple[str, ...] = (),
    rebuild: bool = False,
    dry_run: bool = False,
    batch_size: int = 100,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Bring the index in line with ``path``: a corpus folder, or one article in it.

    Raises :class:`~careerbot.errors.CorpusError` (before touching the index) when the folder
    is missing or empty. Sources that fail to load are skipped and listed in the report; the
    chunks they had in the index are kept.
    """
    started = time.perf_counter()
    single = path if path.is_file() else None
    stored = store.stored()
    corpus = load_corpus(
        path.parent if single else path,
        navigation_headings=navigation_headings,
        indexed={str(m.get("source")) for m in stored.values()},
    )
    scope = single.relative_to(corpus.root).as_posix() if single else None
    if scope is not None and scope in corpus.failed_paths:
        errors = tuple(str(e) for e in corpus.errors if Path(e.source) == single)
        raise CorpusError(f"Nothing ingested. {errors[0] if errors else scope}")
    if not corpus.articles:
        details = "; ".join(str(e) for e in corpus.errors[:3])
        raise CorpusError(f"No article in {corpus.root} could be read, so nothing changed: {details}")
    if rebuild and not dry_run:
        store.drop()
        stored = {}
    failed = corpus.failed_paths
    kept_ids = [i for i, m in stored.items() if m.get("source") in failed]
    kept_urls = {
        str(stored[i]["canonical_url"]): str(stored[i]["slug"])
        for i in kept_ids
        if stored[i].get("canonical_url")
    }
    chunks = corpus_chunks(corpus, embedder, kept_urls)
    if scope is not None:
        chunks = [c for c in chunks if c.source == scope]
        stored = {i: m for i, m in stored.items() if m.get("source") == scope}
    kinds = _classify(chunks, stored)
    current_keys = set(kinds)
    removed = {
        i: m
        for i, m in stored.items()
        if m.get("chunk_key") not in current_keys and m.get("source") not in failed
    }
    to_write = sum(1 for k in kinds.values() if k != "unchanged")
    stored_hashes = {m.get("content_hash") for m in stored.values()}
    embedded = len({c.content_hash for c in chunks if c.content_hash not in stored_hashes})

    if not dry_run:
        docs = [Document(page_content=c.embed_text, metadata=chunk_metadata(c)) for c in chunks]
        if scope is None:
            docs += documents_for(store.documents(kept_ids))
        done = 0

        def on_write(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, to_write)

        if progress:
            progress(0, to_write)
        writer = ChunkVectorStore(store, embedder, on_write=on_write)
        records = SQLiteRecordManager(namespace=store.name, path=store.records_path)
        try:
            # Records must not claim chunks the store lacks (a rebuilt, lost or replaced index),
            # or index() would skip writing them.
            all_ids = set(store.stored()) if scope is not None else set(stored)
            records.delete_keys([k for k in records.list_keys() if k not in all_ids])
            langchain_index(
                docs,
                records,
                writer,
                cleanup="scoped_full" if scope else "full",
                source_id_key="source",
                batch_size=batch_size,
                key_encoder=record_key,
            )
        finally:
            records.close()
        # Chunks the record manager never saw (a lost records file, an older index) go too.
        live = {record_key(d) for d in docs}
        store.delete([i for i in store.stored(_scope_filter(scope)) if i not in live])
        store.mark_complete()
        embedded = writer.embedded

    return IngestReport(
        articles=len({c.slug for c in chunks}) if scope else len(corpus.articles),
        chunks=len(chunks),
        added=sum(1 for k in kinds.values() if k == "added"),
        updated=sum(1 for k in kinds.values() if k in ("changed", "updated")),
        unchanged=sum(1 for k in kinds.values() if k == "unchanged"),
        deleted=len(removed),
        embedded=embedded,
        seconds=time.perf_counter() - started,
        errors=tuple(str(e) for e in corpus.errors),
        changes=_changes(chunks, kinds, removed),
        per_article=_per_article(chunks, kinds, removed),
        dry_run=dry_run,
    )


def _scope_filter(scope: str | None) -> dict[str, Any] | None:
    return {"source": scope} if scope else None


def _changes(
    chunks: list[Chunk], kinds: dict[str, Kind], removed: dict[str, dict[str, Any]]
) -> tuple[Change, ...]:
    seen: dict[tuple[str, str], Change] = {}
    for c in chunks:
        if kinds[c.id] in ("added", "changed"):
            seen.setdefault((c.title, c.section), Change(kinds[c.id], c.title, c.section))
    current = {(c.title, c.section) for c in chunks}
    for meta in removed.values():
        key = (str(meta.get("title", "")), str(meta.get("section", "")))
        if key not in current:
            seen.setdefault(key, Change("removed", *key))
    return tuple(seen.values())


def _per_article(
    chunks: list[Chunk], kinds: dict[str, Kind], removed: dict[str, dict[str, Any]]
) -> tuple[ArticleCounts, ...]:
    counts: dict[str, Counter[str]] = {}
    for c in chunks:
        counts.setdefault(c.title, Counter())[kinds[c.id]] += 1
    for meta in removed.values():
        counts.setdefault(str(meta.get("title", "")), Counter())["removed"] += 1
    return tuple(
        ArticleCounts(title=title, **{k: n for k, n in counter.items()})
        for title, counter in counts.items()
    )
