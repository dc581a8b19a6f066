"""Planning an ingest: what happens to each chunk, and the report of what changed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from careerbot.types import SEP, Chunk

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while chunks are embedded and written."""

Kind = Literal["added", "changed", "updated", "unchanged", "removed"]


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


def summarise_changes(
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


def per_article_counts(
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


def classify(
    metadata: Mapping[str, Mapping[str, Any]], stored: dict[str, dict[str, Any]]
) -> dict[str, Kind]:
    """What an ingest does to each chunk, given the chunks' metadata (by chunk key) and what
    the index holds: a new key is added, new text changed, new metadata only updated."""
    by_key = {str(m.get("chunk_key")): m for m in stored.values()}
    kinds: dict[str, Kind] = {}
    for key, meta in metadata.items():
        old = by_key.get(key)
        if old is None:
            kinds[key] = "added"
        elif old.get("content_hash") != meta["content_hash"]:
            kinds[key] = "changed"
        elif old.get("meta_hash") != meta["meta_hash"]:
            kinds[key] = "updated"
        else:
            kinds[key] = "unchanged"
    return kinds
