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

import fcntl
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

from langchain_core.documents import Document
from langchain_core.indexing import index as langchain_index

from careerbot.sources.chunking import chunk_article
from careerbot.embedding.embedder import Embedder
from careerbot.errors import CorpusError, IndexStateError, SourceError
from careerbot.store.chroma import ChunkStore, chunk_metadata
from careerbot.ingest.plan import (
    IngestReport,
    ProgressCallback,
    classify,
    per_article_counts,
    summarise_changes,
)
from careerbot.store.records import SQLiteRecordManager
from careerbot.sources import Corpus, load_corpus
from careerbot.sources.web import Fetcher, crawl
from careerbot.types import Chunk
from careerbot.ingest.writer import ChunkVectorStore, documents_for


def record_key(doc: Document) -> str:
    """The id of a chunk in the index and the record manager: readable, content-addressed."""
    return f"{doc.metadata['chunk_key']}@{str(doc.metadata['meta_hash'])[:16]}"


def chunk_documents(chunks: Sequence[Chunk]) -> list[Document]:
    """Chunks as the Documents ``index()`` writes: the embedded text, and the stored metadata."""
    return [Document(page_content=c.embed_text, metadata=chunk_metadata(c)) for c in chunks]


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


@contextmanager
def ingest_lock(data_dir: Path) -> Iterator[None]:
    """One writer at a time per data dir (embedded Chroma is not safe for two writers)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "ingest.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexStateError(
                f"Another ingest is running on {data_dir}; wait for it to finish, then retry."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ingest(
    root: Path | None,
    store: ChunkStore,
    embedder: Embedder,
    *,
    only: Path | None = None,
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

    ``root`` is the corpus folder. Without ``only`` the run covers every file in it (``full``
    cleanup: removed articles are deleted); ``only`` (a file or subfolder inside ``root``)
    narrows it (``scoped_full``). ``urls`` and ``sitemaps`` add web pages, fetched by
    ``fetcher``, with the same-site pages they link to; a run never deletes what it does not
    cover. ``rebuild`` embeds everything again, in place, while the index keeps serving.

    Raises :class:`~careerbot.errors.CorpusError` (before touching the index) when the folder is
    missing or empty, or no source at all could be read. Sources that fail are skipped and
    listed in the report; the chunks they had in the index are kept.
    """
    lock = nullcontext() if dry_run else ingest_lock(store.settings.data_dir)
    with lock:
        return _ingest(
            root, store, embedder, only=only, urls=urls, sitemaps=sitemaps, fetcher=fetcher,
            navigation_headings=navigation_headings, rebuild=rebuild, dry_run=dry_run,
            batch_size=batch_size, progress=progress,
        )


def _ingest(
    root: Path | None,
    store: ChunkStore,
    embedder: Embedder,
    *,
    only: Path | None,
    urls: Sequence[str],
    sitemaps: Sequence[str],
    fetcher: Fetcher | None,
    navigation_headings: tuple[str, ...],
    rebuild: bool,
    dry_run: bool,
    batch_size: int,
    progress: ProgressCallback | None,
) -> IngestReport:
    started = time.perf_counter()
    stored = store.stored()
    scope = _scope(root, only)
    corpus = Corpus(root=None, articles=())
    urls_in_corpus: dict[str, str] = {}
    if root is not None:
        corpus = load_corpus(
            root,
            navigation_headings=navigation_headings,
            indexed={str(m.get("source")) for m in stored.values()},
        )
        # Links are resolved against the whole folder, also when the run is narrower.
        urls_in_corpus = {a.url: a.slug for a in corpus.articles if a.url}
        if scope:
            inside = [a for a in corpus.articles if _under(a.path, scope)]
            failed = [e for e in corpus.errors if _under(_rel(e.source, root), scope)]
            if not inside:
                reason = str(failed[0]) if failed else f"no article under {only}"
                raise CorpusError(f"Nothing ingested: {reason}")
            corpus = replace(corpus, articles=tuple(inside), errors=tuple(failed))
    web_sources: set[str] = set()
    if urls or sitemaps:
        if fetcher is None:
            raise ValueError("fetching URLs needs a Fetcher")
        web = _fetch(urls, sitemaps, fetcher, navigation_headings)
        web_sources = set(web.failed) | {a.path for a in web.articles}
        corpus = corpus.merge(web)
    if not corpus.articles:
        details = "; ".join(str(e) for e in corpus.errors[:3]) or "no source given"
        raise CorpusError(f"No article could be read, so nothing changed: {details}")

    def owned(meta: dict[str, Any]) -> bool:
        """Whether this run covers a chunk's source (and so may delete the chunk)."""
        source = str(meta.get("source"))
        if meta.get("origin") == "web":
            return source in web_sources
        return root is not None and (scope is None or _under(source, scope))

    failed = corpus.failed
    kept_ids = [i for i, m in stored.items() if not owned(m) or m.get("source") in failed]
    known_urls = {
        str(stored[i]["canonical_url"]): str(stored[i]["slug"])
        for i in kept_ids
        if stored[i].get("canonical_url")
    }
    chunks = corpus_chunks(corpus, embedder, known_urls | urls_in_corpus)
    owned_stored = {i: m for i, m in stored.items() if owned(m)}
    docs = chunk_documents(chunks)
    kinds = classify({str(d.metadata["chunk_key"]): d.metadata for d in docs}, owned_stored)
    stale = {
        i: m
        for i, m in owned_stored.items()
        if m.get("chunk_key") not in kinds and m.get("source") not in failed
    }
    stored_hashes = {m.get("content_hash") for m in stored.values()} if not rebuild else set()
    embedded = len({c.content_hash for c in chunks if c.content_hash not in stored_hashes})
    if rebuild and root is not None and scope is None:
        embedded += len(kept_ids)  # a whole rebuild re-embeds the kept chunks too

    if not dry_run:
        whole = root is not None and scope is None
        if whole:  # a full cleanup deletes whatever is not fed again
            docs += documents_for(store.documents(kept_ids))
        to_write = len(docs) if rebuild else sum(1 for k in kinds.values() if k != "unchanged")
        live = {record_key(d) for d in docs}
        # Whatever this run covers and did not write again goes, after the writes: removed
        # sections, old versions, and chunks the record manager never knew (a lost records
        # file, an index from an older version).
        sweep = [
            i for i, m in owned_stored.items() if i not in live and m.get("source") not in failed
        ]
        embedded = _write(docs, store, embedder, whole=whole, rebuild=rebuild, sweep=sweep,
                          stored_ids=set(stored), batch_size=batch_size, progress=progress,
                          total=to_write)
        titles = {str(stored[i].get("title")) for i in kept_ids} | {c.title for c in chunks}
        # A new stamp makes every reader reopen the index and rebuild the keyword index (half a
        # minute at 100k chunks), so a run that wrote and deleted nothing keeps the old one.
        if rebuild or to_write or sweep or not store.is_complete():
            store.mark_complete(titles)
        else:
            store.keep_titles(titles)

    return IngestReport(
        articles=len(corpus.articles),
        chunks=len(chunks),
        added=sum(1 for k in kinds.values() if k == "added"),
        updated=sum(1 for k in kinds.values() if k in ("changed", "updated")),
        unchanged=sum(1 for k in kinds.values() if k == "unchanged"),
        deleted=len(stale),
        embedded=embedded,
        seconds=time.perf_counter() - started,
        errors=tuple(str(e) for e in corpus.errors),
        changes=summarise_changes(chunks, kinds, stale),
        per_article=per_article_counts(chunks, kinds, stale),
        dry_run=dry_run,
    )


def _scope(root: Path | None, only: Path | None) -> str | None:
    """``only`` as a path relative to ``root`` ("" or None: the whole folder)."""
    if only is None or root is None:
        return None
    rel = _rel(only, root)
    if rel is None:
        raise CorpusError(
            f"{only} is not inside the corpus folder {root}. Pass the folder itself, or set "
            "CAREERBOT_CORPUS_DIR to the folder that holds it."
        )
    return rel or None


def _rel(path: str | Path, root: Path) -> str | None:
    try:
        rel = Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    return "" if rel == "." else rel


def _under(source: str | None, scope: str) -> bool:
    return source is not None and (source == scope or source.startswith(scope.rstrip("/") + "/"))


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
    *,
    whole: bool,
    rebuild: bool,
    sweep: list[str],
    stored_ids: set[str],
    batch_size: int,
    progress: ProgressCallback | None,
    total: int,
) -> int:
    """Write through ``langchain_core.indexing.index``, then delete ``sweep``; returns the
    texts embedded."""
    done = 0

    def on_write(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    if progress:
        progress(0, total)
    writer = ChunkVectorStore(store, embedder.for_documents(total), reuse_vectors=not rebuild,
                              on_write=on_write)
    records = SQLiteRecordManager(namespace=store.name, path=store.records_path)
    try:
        # Records must not claim chunks the store lacks (a replaced or lost index), or index()
        # would skip writing them; a rebuild forgets them all so everything is written again.
        # ``stored_ids`` was read under the ingest lock, so it is still what the store holds.
        present = set() if rebuild else stored_ids
        records.delete_keys([k for k in records.list_keys() if k not in present])
        langchain_index(
            # Each write batch is embedded as padded batches; texts of one length waste nothing.
            sorted(docs, key=lambda d: len(d.page_content)),
            records,
            writer,
            cleanup="full" if whole else "scoped_full",
            source_id_key="source",
            batch_size=batch_size,
            key_encoder=record_key,
        )
        store.delete(sweep)
        records.delete_keys(sweep)
    finally:
        records.close()
    return writer.embedded


