"""What a stored chunk looks like: its ids and its metadata.

The only place that builds and parses chunk ids and names metadata keys. A chunk has two ids:

- the chunk id, ``<slug>#<anchor>:<part>``, the same for the same article, heading and part
  across ingests (stored as the ``chunk_key`` metadata);
- the stored id, ``<chunk id>@<metadata hash>``, under which the collection and the record
  manager hold one version of it: new metadata is a new stored id.

Chroma takes flat scalar metadata only, so lists are stored comma-joined.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from careerbot.errors import QuestionError
from careerbot.links import section_url
from careerbot.settings import Settings
from careerbot.types import Chunk, Passage

# Metadata keys read outside this module (in queries and by the ingest plan).
CHUNK_KEY = "chunk_key"
CONTENT_HASH = "content_hash"
META_HASH = "meta_hash"
SOURCE = "source"
TITLE = "title"
SLUG = "slug"
# ``updated`` as a number (YYYYMMDD, 0 when unknown): Chroma compares numbers only.
UPDATED_DAY = "updated_day"
# Characters of the metadata hash kept in a stored id.
ID_HASH_CHARS = 16
ID_SEP = "@"


def chunk_id(slug: str, anchor: str, part: int) -> str:
    """Stable id of a chunk: the same article, heading and part always give the same id."""
    return f"{slug}#{anchor}:{part}"


def stored_id(chunk_key: str, meta_hash: str) -> str:
    """The id of one version of a chunk in the collection and the record manager: readable,
    content-addressed."""
    return f"{chunk_key}{ID_SEP}{meta_hash[:ID_HASH_CHARS]}"


def stored_id_of(metadata: Mapping[str, Any]) -> str:
    """:func:`stored_id` of a chunk from its stored metadata."""
    return stored_id(str(metadata[CHUNK_KEY]), str(metadata[META_HASH]))


def section_key(stored: str) -> str:
    """The section a stored chunk belongs to, from its id alone: the ``slug#anchor`` of
    :func:`chunk_id` (from a stored id or a chunk id). Ids of another shape are their own
    section."""
    return stored.split(ID_SEP, 1)[0].rsplit(":", 1)[0]


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    """The metadata stored beside a chunk, with ``meta_hash`` (a hash of the rest) last."""
    meta: dict[str, str | int] = {
        CHUNK_KEY: chunk.id,
        SLUG: chunk.slug,
        TITLE: chunk.title,
        "section": chunk.section,
        "anchor": chunk.anchor,
        "part": chunk.part,
        "canonical_url": chunk.canonical_url,
        "updated": chunk.updated,
        UPDATED_DAY: day_number(chunk.updated),
        "links_to": ",".join(chunk.links_to),
        "article_links_to": ",".join(chunk.article_links_to),
        SOURCE: chunk.source,
        "origin": chunk.origin,
        CONTENT_HASH: chunk.content_hash,
        "text_start": len(chunk.embed_text) - len(chunk.text),
    }
    meta[META_HASH] = hashlib.sha256(json.dumps(meta, sort_keys=True).encode()).hexdigest()[:32]
    return meta


def day_number(day: str | date | None) -> int:
    """A date (``YYYY-MM-DD`` or a :class:`date`) as the number ``YYYYMMDD``; 0 when empty or
    not a date."""
    if day is None or day == "":
        return 0
    try:
        parsed = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
    except ValueError:
        return 0
    return parsed.year * 10_000 + parsed.month * 100 + parsed.day


def where_filter(
    *, article: str | None = None, updated_after: str | date | None = None
) -> dict[str, Any] | None:
    """A Chroma ``where`` for chunks of one article (its slug) and/or updated after a date;
    None for no filter. A date that does not parse raises :class:`QuestionError`."""
    clauses: list[dict[str, Any]] = []
    if article:
        clauses.append({SLUG: article})
    if updated_after is not None and updated_after != "":
        day = day_number(updated_after)
        if day == 0:
            raise QuestionError(f"updated_after must be a date (YYYY-MM-DD), not {updated_after!r}")
        clauses.append({UPDATED_DAY: {"$gt": day}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass(frozen=True)
class StoredChunk:
    """What the ingest plan reads of a stored chunk (missing keys read as empty)."""

    id: str
    chunk_key: str
    title: str
    section: str
    slug: str
    canonical_url: str
    source: str
    origin: str
    content_hash: str
    meta_hash: str

    @property
    def from_web(self) -> bool:
        """Whether it came from a fetched URL rather than the corpus folder."""
        return self.origin == "web"


def stored_chunk(id: str, metadata: Mapping[str, Any]) -> StoredChunk:
    """A stored chunk's metadata, read."""

    def get(key: str, default: str = "") -> str:
        value = metadata.get(key)
        return default if value is None else str(value)

    return StoredChunk(
        id=id,
        chunk_key=get(CHUNK_KEY),
        title=get(TITLE),
        section=get("section"),
        slug=get(SLUG),
        canonical_url=get("canonical_url"),
        source=get(SOURCE),
        origin=get("origin", "file"),
        content_hash=get(CONTENT_HASH),
        meta_hash=get(META_HASH),
    )


def to_passage(
    settings: Settings,
    *,
    id: str,
    text: str,
    metadata: Mapping[str, Any],
    score: float,
    similarity: float,
    absolute: bool = False,
) -> Passage:
    """A stored chunk found by a search, as the :class:`Passage` shown to readers: its text
    without the heading trail, and a link to its section (``absolute``: a full URL, for
    readers outside the web app)."""
    m = metadata
    slug, anchor = str(m.get(SLUG, "")), str(m.get("anchor", ""))
    return Passage(
        text=text[int(m.get("text_start", 0)) :],
        title=str(m.get(TITLE, "")),
        section=str(m.get("section", "")),
        url=section_url(
            settings,
            slug=slug,
            anchor=anchor,
            canonical_url=str(m.get("canonical_url", "")),
            local=m.get("origin", "file") == "file",
            absolute=absolute,
        ),
        score=round(score, 6),
        slug=slug,
        anchor=anchor,
        updated=str(m.get("updated", "")),
        chunk_id=id,
        similarity=round(similarity, 6),
    )
