"""Ingest: sources into the collection, redoing only what changed.

One run gathers its sources (:mod:`~careerbot.ingest.scope`), plans what changed against what
the collection holds (:mod:`~careerbot.ingest.plan`), writes through
``langchain_core.indexing.index`` (:mod:`~careerbot.ingest.writer`), starts a new generation
of the collection, and reports (:mod:`~careerbot.ingest.report`), all under the ingest lock.

Why this is safe to interrupt: new and changed chunks are written first and stale ones deleted
last, so a killed ingest leaves every section answerable (old version, new version, or both,
of which retrieval shows one). The next ingest finds the written chunks in the record manager,
skips them, and finishes the cleanup. A source that fails to load keeps its stored chunks.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from careerbot.embedding.embedder import Embedder
from careerbot.ingest.options import IngestOptions, ProgressCallback, Sources
from careerbot.ingest.plan import Plan, make_plan
from careerbot.ingest.repair import repair_missing_vectors
from careerbot.ingest.report import IngestReport, per_article_counts, summarise_changes
from careerbot.ingest.scope import Scope, gather, of_corpus
from careerbot.ingest.writer import write
from careerbot.sources import Corpus, require_folder
from careerbot.sources.web import Fetcher
from careerbot.store.articles import ArticleTable
from careerbot.store.chroma import ChunkStore
from careerbot.store.database import Database
from careerbot.store.environment import storage_errors
from careerbot.store.records import import_legacy_records
from careerbot.store.schema import stored_chunk
from careerbot.store.writer_lock import ingest_lock, shared_ingest_lock

__all__ = ["ingest", "ingest_corpus", "ingest_sources", "report"]


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
    """Bring the collection in line with its sources and report what changed.

    ``root`` is the corpus folder. Without ``only`` the run covers every file in it (``full``
    cleanup: removed articles are deleted); ``only`` (a file or subfolder inside ``root``)
    narrows it (``scoped_full``). ``urls`` and ``sitemaps`` add web pages, fetched by
    ``fetcher``, with the same-site pages they link to; a run never deletes what it does not
    cover. ``rebuild`` embeds everything again, in place, while the collection keeps serving.

    Raises :class:`~careerbot.errors.CorpusError` (before touching the collection) when the
    folder is missing or empty, or no source at all could be read. Sources that fail are
    skipped and listed in the report; the chunks they had stored are kept.
    """
    sources = Sources(
        root=root,
        only=only,
        urls=tuple(urls),
        sitemaps=tuple(sitemaps),
        fetcher=fetcher,
        navigation_headings=navigation_headings,
    )
    options = IngestOptions(
        rebuild=rebuild, dry_run=dry_run, batch_size=batch_size, progress=progress
    )
    return ingest_sources(sources, store, embedder, options)


def ingest_sources(
    sources: Sources, store: ChunkStore, embedder: Embedder, options: IngestOptions
) -> IngestReport:
    """:func:`ingest`, with what to read and how to write as two option objects."""
    if sources.root is not None and sources.only is None:
        require_folder(sources.root)  # before the lock: a missing corpus writes nothing
    with writing(store, dry_run=options.dry_run) as database:
        started = time.perf_counter()
        repaired = 0 if options.dry_run else repair_missing_vectors(store, embedder, options)
        stored = store.stored()
        scope = gather(sources, {stored_chunk(i, m).source for i, m in stored.items()})
        report = _apply(scope, stored, store, embedder, options, started, database)
        return replace(report, repaired=repaired)


def ingest_corpus(
    corpus: Corpus,
    store: ChunkStore,
    embedder: Embedder,
    options: IngestOptions | None = None,
) -> IngestReport:
    """Ingest an already loaded corpus, as a run over its whole folder would: what the
    collection holds of other folder files is deleted, web pages not in ``corpus`` are kept.

    For corpora built in memory (the evaluation's inverse-cloze collection).
    """
    options = options or IngestOptions()
    with writing(store, dry_run=options.dry_run) as database:
        started = time.perf_counter()
        stored = store.stored()
        return _apply(of_corpus(corpus), stored, store, embedder, options, started, database)


@contextmanager
def writing(store: ChunkStore, *, dry_run: bool) -> Iterator[Database | None]:
    """The block of one ingest: storage errors made friendly and, unless ``dry_run``, the
    ingest locks held (this data dir's, then the shared database's) and the database
    migrated. Yields the database to write to (None for a dry run)."""
    settings = store.settings
    with storage_errors(settings.data_dir):
        if dry_run:
            yield None
            return
        with (
            ingest_lock(settings.data_dir),
            Database(settings) as database,
            shared_ingest_lock(database, store.name),
        ):
            database.migrate()
            import_legacy_records(database, settings.data_dir)
            yield database


def _apply(
    scope: Scope,
    stored: dict[str, dict[str, Any]],
    store: ChunkStore,
    embedder: Embedder,
    options: IngestOptions,
    started: float,
    database: Database | None,
) -> IngestReport:
    """Plan, write unless a dry run (``database`` None), start a new generation when something
    changed, report."""
    plan = make_plan(scope, stored, embedder, rebuild=options.rebuild)
    embedded, deleted = plan.to_embed, len(plan.sweep)
    if database is not None:
        embedded, deleted = write(
            plan, store, embedder, options, stored_ids=set(stored), database=database
        )
        ArticleTable(database, store.name).sync(
            scope.corpus.articles, covers=scope.covers_path, failed=scope.corpus.failed
        )
        # A new stamp makes every reader reopen the collection and rebuild the keyword index
        # (half a minute at 100k chunks), so a run that wrote and deleted nothing keeps the old.
        if not plan.changes_nothing or not store.is_complete():
            store.mark_complete(plan.titles)
        else:
            store.keep_titles(plan.titles)
    seconds = time.perf_counter() - started
    return report(
        plan, embedded=embedded, deleted=deleted, seconds=seconds, dry_run=options.dry_run
    )


def report(
    plan: Plan, *, embedded: int, seconds: float, dry_run: bool, deleted: int | None = None
) -> IngestReport:
    """The report of a planned (and, unless ``dry_run``, carried out) ingest; ``deleted`` is
    the stored chunks removed (default: those the plan sweeps)."""
    corpus = plan.scope.corpus
    return IngestReport(
        articles=len(corpus.articles),
        chunks=len(plan.chunks),
        added=len(plan.ids("added")),
        updated=len(plan.ids("changed", "updated")),
        unchanged=len(plan.ids("unchanged")),
        deleted=len(plan.sweep) if deleted is None else deleted,
        embedded=embedded,
        seconds=seconds,
        errors=tuple(str(e) for e in corpus.errors),
        changes=summarise_changes(plan.chunks, plan.kinds, plan.removed),
        per_article=per_article_counts(plan.chunks, plan.kinds, plan.removed),
        dry_run=dry_run,
    )
