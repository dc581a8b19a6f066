"""The report of an ingest: what it did (or would do), in counts of chunks and sections."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from careerbot.ingest.options import ProgressCallback
from careerbot.store.schema import StoredChunk
from careerbot.types import SEP, Chunk

Kind = Literal["added", "changed", "updated", "unchanged", "removed"]
"""What an ingest does to a chunk: a new chunk id is added, new text changed, new metadata only
updated."""

__all__ = ["ArticleCounts", "Change", "IngestReport", "Kind", "ProgressCallback"]


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
    repaired: int = 0
    """Chunks embedded again first because the collection's vectors were missing."""

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
            "repaired": self.repaired,
            "seconds": round(self.seconds, 3),
        }


def summarise_changes(
    chunks: Iterable[Chunk], kinds: Mapping[str, Kind], removed: Iterable[StoredChunk]
) -> tuple[Change, ...]:
    """The sections added, changed or removed (one entry per section, in chunk order)."""
    chunks = list(chunks)
    seen: dict[tuple[str, str], Change] = {}
    for c in chunks:
        if kinds[c.id] in ("added", "changed"):
            seen.setdefault((c.title, c.section), Change(kinds[c.id], c.title, c.section))
    current = {(c.title, c.section) for c in chunks}
    for gone in removed:
        key = (gone.title, gone.section)
        if key not in current:
            seen.setdefault(key, Change("removed", *key))
    return tuple(seen.values())


def per_article_counts(
    chunks: Iterable[Chunk], kinds: Mapping[str, Kind], removed: Iterable[StoredChunk]
) -> tuple[ArticleCounts, ...]:
    """Chunks of each article by what the ingest does to them."""
    counts: dict[str, Counter[str]] = {}
    for c in chunks:
        counts.setdefault(c.title, Counter())[kinds[c.id]] += 1
    for gone in removed:
        counts.setdefault(gone.title, Counter())["removed"] += 1
    return tuple(
        ArticleCounts(title=title, **{k: n for k, n in counter.items()})
        for title, counter in counts.items()
    )
