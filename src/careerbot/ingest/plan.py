"""The plan of an ingest: what happens to each chunk, decided before anything is written.

Each current chunk is compared with what the collection holds under its chunk id: a new id is
added, new text (content hash) changed, new metadata only (metadata hash) updated, the rest is
unchanged. Stored chunks the run covers and no longer produces are deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from careerbot.embedding.embedder import Embedder
from careerbot.errors import CorpusError
from careerbot.ingest.chunking import chunk_article
from careerbot.ingest.report import Kind
from careerbot.ingest.scope import Scope
from careerbot.sources import Corpus
from careerbot.store.schema import StoredChunk, chunk_metadata, stored_chunk, stored_id_of
from careerbot.types import Chunk


def corpus_chunks(
    corpus: Corpus, embedder: Embedder, known_urls: dict[str, str] | None = None
) -> list[Chunk]:
    """Every chunk of a corpus, in article and section order.

    ``known_urls`` adds url → slug pairs of articles that are stored but failed to load this
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


def classify(
    metadata: Mapping[str, Mapping[str, Any]], stored: Mapping[str, StoredChunk]
) -> dict[str, Kind]:
    """What an ingest does to each chunk, given the chunks' metadata (by chunk id) and the
    stored chunks it covers (by stored id)."""
    by_key = {c.chunk_key: c for c in stored.values()}
    kinds: dict[str, Kind] = {}
    for key, meta in metadata.items():
        old = by_key.get(key)
        if old is None:
            kinds[key] = "added"
        elif old.content_hash != meta["content_hash"]:
            kinds[key] = "changed"
        elif old.meta_hash != meta["meta_hash"]:
            kinds[key] = "updated"
        else:
            kinds[key] = "unchanged"
    return kinds


@dataclass(frozen=True)
class Plan:
    """What one ingest does to the collection."""

    scope: Scope
    chunks: tuple[Chunk, ...]
    """Every chunk of the sources read, in article and section order."""
    kinds: dict[str, Kind]
    """What happens to each of ``chunks``, by chunk id."""
    kept: tuple[str, ...]
    """Stored ids left as they are: not covered by the run, or their source failed to load."""
    removed: tuple[StoredChunk, ...]
    """Stored chunks whose chunk id the run no longer produces."""
    sweep: tuple[str, ...]
    """Stored ids deleted after the writes: removed chunks, old versions, and chunks the record
    manager never knew."""
    to_embed: int
    """Texts that go through the model (a rebuild of the whole folder: every stored one)."""
    titles: frozenset[str]
    """Titles of every article stored once the run is done."""
    rebuild: bool = False

    def ids(self, *kinds: Kind) -> list[str]:
        """Chunk ids of the current chunks of the given kinds."""
        return [i for i, k in self.kinds.items() if k in kinds]

    @property
    def to_write(self) -> int:
        """Chunks written: the changed ones, or (a rebuild) every one fed to the writer."""
        if self.rebuild:
            return len(self.chunks) + (len(self.kept) if self.scope.whole else 0)
        return sum(1 for k in self.kinds.values() if k != "unchanged")

    @property
    def changes_nothing(self) -> bool:
        """Whether the collection stays as it is (nothing written, nothing deleted)."""
        return not (self.rebuild or self.to_write or self.sweep)


def make_plan(
    scope: Scope, stored: Mapping[str, Mapping[str, Any]], embedder: Embedder, *, rebuild: bool
) -> Plan:
    """Plan an ingest of ``scope`` into a collection holding ``stored`` (metadata by stored id).

    Raises :class:`~careerbot.errors.CorpusError` when no article could be read.
    """
    corpus = scope.corpus
    if not corpus.articles:
        details = "; ".join(str(e) for e in corpus.errors[:3]) or "no source given"
        raise CorpusError(f"No article could be read, so nothing changed: {details}")
    held = {i: stored_chunk(i, m) for i, m in stored.items()}
    kept = [c for c in held.values() if scope.keeps(c)]
    known_urls = {c.canonical_url: c.slug for c in kept if c.canonical_url}
    chunks = corpus_chunks(corpus, embedder, known_urls | (scope.urls_in_folder or {}))
    covered = {i: c for i, c in held.items() if scope.covers(c)}
    metadata = {c.id: chunk_metadata(c) for c in chunks}
    kinds = classify(metadata, covered)
    failed = corpus.failed
    live = {stored_id_of(m) for m in metadata.values()}
    stored_hashes = set() if rebuild else {c.content_hash for c in held.values()}
    to_embed = len({c.content_hash for c in chunks if c.content_hash not in stored_hashes})
    if rebuild and scope.whole:
        to_embed += len(kept)  # a whole rebuild re-embeds the kept chunks too
    return Plan(
        scope=scope,
        chunks=tuple(chunks),
        kinds=kinds,
        kept=tuple(c.id for c in kept),
        removed=tuple(
            c for c in covered.values() if c.chunk_key not in kinds and c.source not in failed
        ),
        sweep=tuple(i for i, c in covered.items() if i not in live and c.source not in failed),
        to_embed=to_embed,
        titles=frozenset({c.title for c in kept} | {c.title for c in chunks}),
        rebuild=rebuild,
    )
