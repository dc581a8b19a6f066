"""Chunk ids and metadata: built and parsed in one place, and read back into Passages."""

from __future__ import annotations

from careerbot.settings import Settings
from careerbot.store.schema import (
    StoredChunk,
    chunk_id,
    chunk_metadata,
    section_key,
    stored_chunk,
    stored_id,
    stored_id_of,
    to_passage,
)
from careerbot.types import Chunk


def make_chunk(**overrides: object) -> Chunk:
    fields: dict[str, object] = {
        "id": chunk_id("ml-pay", "salary-bands", 1),
        "slug": "ml-pay",
        "title": "ML pay",
        "section": "Salary bands",
        "anchor": "salary-bands",
        "part": 1,
        "text": "Bands rose in 2026.",
        "embed_text": "ML pay › Salary bands\n\nBands rose in 2026.",
        "content_hash": "c" * 32,
        "canonical_url": "https://example.com/ml-pay",
        "updated": "2026-01-05",
        "source": "ml-pay.md",
        "links_to": ("cloud-certs", "ai-engineer"),
    }
    return Chunk(**{**fields, **overrides})  # type: ignore[arg-type]


def test_ids_round_trip_to_their_section() -> None:
    cid = chunk_id("ml-pay", "salary-bands", 2)
    assert cid == "ml-pay#salary-bands:2"
    sid = stored_id(cid, "0123456789abcdef0123")
    assert sid == "ml-pay#salary-bands:2@0123456789abcdef"  # 16 hash characters
    assert section_key(sid) == section_key(cid) == "ml-pay#salary-bands"
    assert section_key("plain-id") == "plain-id"  # another shape is its own section
    assert section_key(chunk_id("a", "b:c", 0)) == "a#b:c"  # a colon in the anchor survives


def test_metadata_is_flat_hashed_and_gives_the_stored_id() -> None:
    chunk = make_chunk()
    meta = chunk_metadata(chunk)
    assert all(isinstance(v, str | int) for v in meta.values())
    assert meta["chunk_key"] == chunk.id and meta["links_to"] == "cloud-certs,ai-engineer"
    assert meta["text_start"] == len("ML pay › Salary bands\n\n")
    assert stored_id_of(meta) == stored_id(chunk.id, str(meta["meta_hash"]))
    assert chunk_metadata(chunk) == meta  # deterministic
    moved = chunk_metadata(make_chunk(updated="2026-02-01"))
    assert moved["meta_hash"] != meta["meta_hash"] and moved["content_hash"] == meta["content_hash"]


def test_stored_chunk_reads_metadata_with_empty_defaults() -> None:
    meta = chunk_metadata(make_chunk(origin="web", source="https://example.com/ml-pay"))
    read = stored_chunk("x@1", meta)
    assert read == StoredChunk(
        id="x@1",
        chunk_key="ml-pay#salary-bands:1",
        title="ML pay",
        section="Salary bands",
        slug="ml-pay",
        canonical_url="https://example.com/ml-pay",
        source="https://example.com/ml-pay",
        origin="web",
        content_hash="c" * 32,
        meta_hash=str(meta["meta_hash"]),
    )
    assert read.from_web
    bare = stored_chunk("old", {"title": None})
    assert bare.title == bare.source == bare.chunk_key == "" and bare.origin == "file"
    assert not bare.from_web


def test_metadata_and_text_make_a_passage() -> None:
    chunk = make_chunk()
    meta = chunk_metadata(chunk)
    passage = to_passage(
        Settings(),
        id="sid",
        text=chunk.embed_text,
        metadata=meta,
        score=0.71234567,
        similarity=0.61234567,
    )
    assert passage.text == chunk.text  # the heading trail is cut off
    assert (passage.title, passage.section, passage.slug, passage.anchor) == (
        "ML pay",
        "Salary bands",
        "ml-pay",
        "salary-bands",
    )
    assert passage.url == "/articles/ml-pay#salary-bands"
    assert passage.updated == "2026-01-05" and passage.chunk_id == "sid"
    assert passage.score == 0.712346 and passage.similarity == 0.612346
    canonical = to_passage(
        Settings(link_mode="canonical"),
        id="sid",
        text=chunk.embed_text,
        metadata=meta,
        score=0.5,
        similarity=0.5,
    )
    assert canonical.url == "https://example.com/ml-pay#salary-bands"
    web = to_passage(
        Settings(app_url="https://bot.example.com"),
        id="sid",
        text="t",
        metadata={**meta, "origin": "web", "text_start": 0},
        score=0,
        similarity=0,
    )
    assert web.url == "https://example.com/ml-pay#salary-bands"  # no page in the app
    assert to_passage(Settings(), id="i", text="t", metadata={}, score=0, similarity=0).url == (
        "/articles/"
    )
