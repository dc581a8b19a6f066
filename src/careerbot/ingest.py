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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from langchain_core.documents import Document
from langchain_core.indexing import index as langchain_index

from careerbot.chunking import chunk_article
from careerbot.embeddings import Embedder
from careerbot.errors import CorpusError, SourceError
from careerbot.index import ChunkStore, chunk_metadata
from careerbot.records import SQLiteRecordManager
from careerbot.sources import Corpus, load_corpus
from careerbot.sources.web import Fetcher, crawl
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


def _is_url(source: object) -> bool:
    return str(source).startswith(("http://", "https://"))


def ingest(
    path: Path | None,
    store: ChunkStore,
    embedder: Embedder,
    *,
    urls: Sequence[str] = (),
    sitemaps: Sequence[str] = (),
    fetcher: Fetcher | None = None,
    navigation_headings: tuple[str, ...] = (),
    rebuild: bool = False,
    dry_run: bool = False,
    batch_size: int = 100,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Bring the index in line with its sources and report what changed.

    ``path`` is the corpus folder (a whole-corpus run: ``full`` cleanup) or one article in it
    (``scoped_full``); ``urls`` and ``sitemaps`` add web pages, fetched by ``fetcher``, and the
    same-site pages they link to (a web-only run is scoped to the pages it fetched).

    Raises :class:`~careerbot.errors.CorpusError` (before touching the index) when the folder is
    missing or empty, or no source at all could be read. Sources that fail are skipped and
    listed in the report; the chunks they had in the index are kept.
    """
    started = time.perf_counter()
    stored = store.stored()
    single = path if path is not None and path.is_file() else None
    folder = path if path is not None and single is None else None
    corpus = Corpus(root=None, articles=())
    if path is not None:
        corpus = load_corpus(
            path.parent if single else path,
            navigation_headings=navigation_headings,
            indexed={str(m.get("source")) for m in stored.values()},
        )
    scope = single.relative_to(path.parent).as_posix() if single and path else None
    if scope is not None:
        if scope in corpus.failed:
            errors = [str(e) for e in corpus.errors if Path(e.source) == single]
            raise CorpusError(f"Nothing ingested. {errors[0] if errors else scope}")
        corpus = replace(corpus, articles=tuple(a for a in corpus.articles if a.path == scope))
    web_sources: set[str] = set()
    if urls or sitemaps:
        if fetcher is None:
            raise ValueError("fetching URLs needs a Fetcher")
        web = _fetch(urls, sitemaps, fetcher, navigation_headings)
        web_sources = web.failed | {a.path for a in web.articles}
        corpus = corpus.merge(web)
    if not corpus.articles:
        details = "; ".join(str(e) for e in corpus.errors[:3]) or "no source given"
        raise CorpusError(f"No article could be read, so nothing changed: {details}")

    def in_run(source: object) -> bool:
        """Whether this run is responsible for a source (so may delete its chunks)."""
        if source in web_sources:
            return True
        if scope is not None:
            return source == scope
        return folder is not None and not _is_url(source)

    if rebuild and not dry_run:
        store.drop()
        stored = {}
    failed = corpus.failed
    kept_ids = [i for i, m in stored.items() if m.get("source") in failed or not in_run(m.get("source"))]
    kept_urls = {
        str(stored[i]["canonical_url"]): str(stored[i]["slug"])
        for i in kept_ids
        if stored[i].get("canonical_url")
    }
    chunks = corpus_chunks(corpus, embedder, kept_urls)
    run_stored = {i: m for i, m in stored.items() if in_run(m.get("source"))}
    kinds = _classify(chunks, run_stored)
    removed = {
        i: m
        for i, m in run_stored.items()
        if m.get("chunk_key") not in kinds and m.get("source") not in failed
    }
    to_write = sum(1 for k in kinds.values() if k != "unchanged")
    stored_hashes = {m.get("content_hash") for m in stored.values()}
    embedded = len({c.content_hash for c in chunks if c.content_hash not in stored_hashes})
    whole = folder is not None

    if not dry_run:
        docs = [Document(page_content=c.embed_text, metadata=chunk_metadata(c)) for c in chunks]
        if whole:  # a full cleanup deletes whatever is not fed again
            docs += documents_for(store.documents(kept_ids))
        embedded = _write(docs, store, embedder, whole, batch_size, progress, to_write)
        # Chunks the record manager never saw (a lost records file, an older index) go too.
        live = {record_key(d) for d in docs}
        store.delete([i for i, m in store.stored().items() if i not in live and in_run(m.get("source"))
                      and m.get("source") not in failed])
        store.mark_complete()

    return IngestReport(
        articles=len(corpus.articles),
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


def _fetch(
    urls: Sequence[str], sitemaps: Sequence[str], fetcher: Fetcher, nav: tuple[str, ...]
) -> Corpus:
    seeds = list(urls)
    errors: list[SourceError] = []
    for sitemap in sitemaps:
        try:
            seeds += fetcher.sitemap(sitemap)
        except SourceError as exc:
            errors.append(exc)
    web = crawl(seeds, fetcher, navigation_headings=nav)
    errors += web.errors
    return Corpus(
        root=None,
        articles=tuple(web.articles),
        errors=tuple(errors),
        failed=frozenset(e.source for e in web.errors),
    )


def _write(
    docs: list[Document],
    store: ChunkStore,
    embedder: Embedder,
    whole: bool,
    batch_size: int,
    progress: ProgressCallback | None,
    total: int,
) -> int:
    """Write through ``langchain_core.indexing.index``; returns the texts embedded."""
    done = 0

    def on_write(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    if progress:
        progress(0, total)
    writer = ChunkVectorStore(store, embedder, on_write=on_write)
    records = SQLiteRecordManager(namespace=store.name, path=store.records_path)
    try:
        # Records must not claim chunks the store lacks (a rebuilt, lost or replaced index),
        # or index() would skip writing them.
        present = set(store.stored())
        records.delete_keys([k for k in records.list_keys() if k not in present])
        langchain_index(
            docs,
            records,
            writer,
            cleanup="full" if whole else "scoped_full",
            source_id_key="source",
            batch_size=batch_size,
            key_encoder=record_key,
        )
    finally:
        records.close()
    return writer.embedded


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
