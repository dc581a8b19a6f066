"""Ingest: corpus on disk into the index, redoing only what changed.

Order matters for readers: new and changed chunks are written first and stale ones deleted
last, so an interrupted ingest leaves the old content answering, never a half-empty index.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from careerbot.chunking import chunk_article
from careerbot.embeddings import Embedder
from careerbot.index import ChunkStore, chunk_metadata
from careerbot.sources import Corpus, load_corpus
from careerbot.types import SEP, Chunk

ProgressCallback = Callable[[int, int], None]
"""Called as ``(done, total)`` while chunks are embedded."""


@dataclass(frozen=True)
class Change:
    """One section that an ingest added, changed or removed."""

    kind: str  # "added" | "changed" | "removed"
    title: str
    section: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}{SEP}{self.section}"


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did, in counts of chunks."""

    articles: int
    chunks: int
    added: int
    updated: int
    unchanged: int
    deleted: int
    embedded: int
    seconds: float
    errors: tuple[str, ...] = ()
    changes: tuple[Change, ...] = field(default=(), repr=False)

    @property
    def ok(self) -> bool:
        """No source failed."""
        return not self.errors

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of ``careerbot ingest --json``."""
        return {
            "articles": self.articles,
            "chunks": self.chunks,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "embedded": self.embedded,
            "seconds": round(self.seconds, 3),
            "errors": list(self.errors),
            "changes": [str(c) for c in self.changes],
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


def ingest(
    corpus_dir: Path,
    store: ChunkStore,
    embedder: Embedder,
    *,
    navigation_headings: tuple[str, ...] = (),
    rebuild: bool = False,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Bring the index in line with ``corpus_dir`` and report what changed.

    Raises :class:`~careerbot.errors.CorpusError` (before touching the index) when the folder
    is missing or empty. Sources that fail to parse are skipped and listed in the report; the
    chunks they had in the index are kept.
    """
    started = time.perf_counter()
    corpus = load_corpus(corpus_dir, navigation_headings=navigation_headings)
    if rebuild:
        store.drop()
    stored = store.stored()
    failed = corpus.failed_paths
    kept = {
        str(m["canonical_url"]): str(m["slug"])
        for m in stored.values()
        if m.get("source") in failed and m.get("canonical_url")
    }
    chunks = corpus_chunks(corpus, embedder, kept)

    to_embed = [c for c in chunks if stored.get(c.id, {}).get("content_hash") != c.content_hash]
    embed_ids = {c.id for c in to_embed}
    meta_only = [
        c
        for c in chunks
        if c.id not in embed_ids and stored[c.id].get("meta_hash") != chunk_metadata(c)["meta_hash"]
    ]
    # Chunks of sources that failed to load this time stay as they were.
    current_ids = {c.id for c in chunks}
    stale = [i for i, m in stored.items() if i not in current_ids and m.get("source") not in failed]

    done = 0
    if progress:
        progress(0, len(to_embed))
    batch = max(embedder.batch_size, 64)
    for start in range(0, len(to_embed), batch):
        part = to_embed[start : start + batch]
        store.upsert(part, embedder.encode([c.embed_text for c in part]))
        done += len(part)
        if progress:
            progress(done, len(to_embed))
    store.update_metadata(meta_only)
    store.delete(stale)

    changes = _changes(chunks, to_embed, stored, stale)
    added = sum(1 for c in to_embed if c.id not in stored)
    return IngestReport(
        articles=len(corpus.articles),
        chunks=len(chunks),
        added=added,
        updated=len(to_embed) - added + len(meta_only),
        unchanged=len(chunks) - len(to_embed) - len(meta_only),
        deleted=len(stale),
        embedded=len(to_embed),
        seconds=time.perf_counter() - started,
        errors=tuple(str(e) for e in corpus.errors),
        changes=changes,
    )


def _changes(
    chunks: list[Chunk], embedded: list[Chunk], stored: dict[str, dict], stale: list[str]
) -> tuple[Change, ...]:
    seen: dict[tuple[str, str], Change] = {}
    for c in embedded:
        kind = "changed" if c.id in stored else "added"
        seen.setdefault((c.title, c.section), Change(kind, c.title, c.section))
    current = {(c.title, c.section) for c in chunks}
    for i in stale:
        meta = stored[i]
        key = (str(meta.get("title", "")), str(meta.get("section", "")))
        if key not in current:
            seen.setdefault(key, Change("removed", *key))
    return tuple(seen.values())
