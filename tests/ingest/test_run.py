from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from careerbot.embedding.embedder import Embedder, native_bf16
from careerbot.errors import CorpusError, IndexMissingError
from careerbot.ingest.run import ingest
from careerbot.settings import Settings
from careerbot.store.chroma import ChunkStore
from careerbot.store.database import SQLITE_FILE, Database
from careerbot.store.records import SQLRecordManager
from tests.conftest import CORPUS

NAV = Settings().navigation_headings
MAIN = "ml-engineer-vs-data-scientist-2026.md"


def make_store(settings: Settings, embedder: Embedder) -> ChunkStore:
    return ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)


def by_key(store: ChunkStore) -> dict[str, dict]:
    return {m["chunk_key"]: m for m in store.stored().values()}


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(CORPUS, tmp_path / "corpus"))


@pytest.fixture
def indexed(settings: Settings, embedder: Embedder, corpus_copy: Path) -> ChunkStore:
    """A store holding the whole (copied) corpus."""
    store = make_store(settings, embedder)
    ingest(corpus_copy, store, embedder, navigation_headings=NAV)
    return store


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_first_ingest_stores_every_section_with_its_metadata(
    settings: Settings, embedder: Embedder
) -> None:
    store = make_store(settings, embedder)
    report = ingest(CORPUS, store, embedder, navigation_headings=NAV)
    assert report.articles == 5 and report.errors == ()
    assert report.added == report.chunks == report.embedded == store.count()
    meta = by_key(store)["ml-engineer-vs-data-scientist-2026#how-pay-and-demand-differ:0"]
    assert meta["title"].startswith("ML Engineer vs Data Scientist in 2026")
    assert meta["section"] == "How pay and demand differ"
    assert meta["anchor"] == "how-pay-and-demand-differ"
    assert (
        meta["canonical_url"]
        == "https://careers.example.com/articles/ml-engineer-vs-data-scientist-2026"
    )
    assert meta["updated"] == "2026-01-12"
    assert re.fullmatch(r"[0-9a-f]{32}", meta["content_hash"])
    assert meta["links_to"] == "ai-engineer-salary-2026"
    assert not any(
        m["section"] in ("Sources", "Continue your decision path") for m in store.stored().values()
    )
    assert (store.settings.data_dir / SQLITE_FILE).is_file()  # the records, the articles


def test_ingesting_twice_changes_nothing(
    indexed: ChunkStore, embedder: Embedder, corpus_copy: Path
) -> None:
    before = indexed.stored()
    stamp = indexed.stamp
    second = ingest(corpus_copy, indexed, embedder, navigation_headings=NAV)
    assert (second.embedded, second.added, second.updated, second.deleted) == (0, 0, 0, 0)
    assert second.unchanged == second.chunks == len(before)
    assert indexed.stored() == before  # same ids, same metadata
    # Nothing written: readers keep their open index and keyword index (same stamp).
    assert indexed.stamp == stamp
    assert indexed.titles() == sorted({str(m["title"]) for m in before.values()})
    edit(corpus_copy / MAIN, "updated: 2026-01-12", "updated: 2026-03-01")
    ingest(corpus_copy, indexed, embedder, navigation_headings=NAV)
    assert indexed.stamp != stamp


def test_the_report_counts_every_stale_chunk_swept(
    indexed: ChunkStore, embedder: Embedder, corpus_copy: Path
) -> None:
    # A new date moves every chunk of the article to a new stored id; the old versions go.
    before = set(indexed.stored())
    edit(corpus_copy / MAIN, "updated: 2026-01-12", "updated: 2026-03-01")
    report = ingest(corpus_copy, indexed, embedder, navigation_headings=NAV)
    gone = before - set(indexed.stored())
    assert len(gone) == report.updated > 0 and report.embedded == 0
    assert report.deleted == len(gone)


def test_only_the_changed_section_is_embedded_again(
    indexed: ChunkStore, embedder: Embedder, corpus_copy: Path
) -> None:
    count = indexed.count()
    edit(corpus_copy / MAIN, "Both pay well.", "Both pay very well.")
    report = ingest(corpus_copy, indexed, embedder, navigation_headings=NAV)
    # The old version of the changed section was deleted.
    assert (report.embedded, report.updated, report.added, report.deleted) == (1, 1, 0, 1)
    assert [str(c) for c in report.changes] == [
        "ML Engineer vs Data Scientist in 2026: Which Path Pays and What to Learn"
        " › How pay and demand differ: changed"
    ]
    assert indexed.count() == count  # the old version is gone, not duplicated
    docs = indexed.documents(
        [i for i, m in indexed.stored().items() if m["anchor"] == "how-pay-and-demand-differ"]
    )
    assert len(docs) == 1 and "Both pay very well." in docs[0][1]


def test_a_new_date_updates_metadata_without_embedding(
    indexed: ChunkStore, embedder: Embedder, corpus_copy: Path
) -> None:
    edit(corpus_copy / MAIN, "updated: 2026-01-12", "updated: 2026-03-01")
    report = ingest(corpus_copy, indexed, embedder, navigation_headings=NAV)
    assert report.embedded == 0 and report.updated == 5
    dates = {
        m["updated"]
        for m in indexed.stored().values()
        if m["slug"] == "ml-engineer-vs-data-scientist-2026"
    }
    assert dates == {"2026-03-01"}


def test_removed_and_added_articles(
    indexed: ChunkStore, embedder: Embedder, corpus_copy: Path
) -> None:
    (corpus_copy / "junior-developer-gap-2026.md").unlink()
    (corpus_copy / "new.md").write_text(
        "---\nslug: new-guide\n---\n# New guide\n\n## Portfolios\n\nShip one model.\n"
    )
    report = ingest(corpus_copy, indexed, embedder, navigation_headings=NAV)
    # The removed article's 8 chunks, and the old versions of those whose links changed.
    assert report.deleted == 8 + report.updated and report.added == 1 and report.embedded == 1
    slugs = {m["slug"] for m in indexed.stored().values()}
    assert "junior-developer-gap-2026" not in slugs and "new-guide" in slugs
    assert (
        "The Junior Developer Gap: Why 2026 Is the Hardest and Most Important Year to Level Up › Introduction: removed"
        in [str(c) for c in report.changes]
    )


def test_past_the_batch_size_nothing_is_duplicated_or_lost(
    settings: Settings, embedder: Embedder, corpus_copy: Path
) -> None:
    """LangChain #22135/#19335 lived here: sources spanning several batches."""
    store = make_store(settings, embedder)
    first = ingest(corpus_copy, store, embedder, navigation_headings=NAV, batch_size=4)
    assert first.chunks > 4 * 8
    again = ingest(corpus_copy, store, embedder, navigation_headings=NAV, batch_size=4)
    assert (again.embedded, again.deleted) == (0, 0)
    edit(
        corpus_copy / "cloud-certifications-worth-it-2026.md",
        "## Exam fees, renewals and study time",
        "## Exam fees, renewals and study hours",
    )
    third = ingest(corpus_copy, store, embedder, navigation_headings=NAV, batch_size=4)
    assert third.embedded == 1 and third.deleted == 1 and third.added == 1
    keys = Counter(m["chunk_key"] for m in store.stored().values())
    assert store.count() == first.chunks and max(keys.values()) == 1


def test_one_article_alone_uses_a_scoped_cleanup(
    indexed: ChunkStore, embedder: Embedder, corpus_copy: Path
) -> None:
    (corpus_copy / "junior-developer-gap-2026.md").unlink()  # not this run's business
    path = corpus_copy / MAIN
    text = path.read_text()
    start, end = text.index("## The AI-resilience angle"), text.index("## The directive")
    path.write_text(text[:start] + text[end:])
    report = ingest(corpus_copy, indexed, embedder, only=path, navigation_headings=NAV)
    # The removed section, and the old versions of the sections whose metadata moved.
    assert report.articles == 1 and report.deleted == 1 + report.updated and report.embedded == 0
    links = {m["article_links_to"] for m in indexed.stored().values() if m["source"] == MAIN}
    assert len(links) == 1 and set(links.pop().split(",")) == {  # resolved against the corpus
        "ai-engineer-salary-2026",
        "junior-developer-gap-2026",
        "cloud-certifications-worth-it-2026",
        "ai-ml-engineer-jobs-india-2026",
    }
    keys = by_key(indexed)
    assert "ml-engineer-vs-data-scientist-2026#the-ai-resilience-angle:0" not in keys
    assert any(k.startswith("junior-developer-gap-2026#") for k in keys)


def test_dry_run_writes_nothing(
    indexed: ChunkStore, embedder: Embedder, corpus_copy: Path, settings: Settings
) -> None:
    edit(corpus_copy / MAIN, "Both pay well.", "Both pay very well.")
    (corpus_copy / "junior-developer-gap-2026.md").unlink()
    before = indexed.stored()
    database = Database(indexed.settings)
    records = SQLRecordManager(database, indexed.name)
    keys_before = records.list_keys()
    plan = ingest(corpus_copy, indexed, embedder, navigation_headings=NAV, dry_run=True)
    assert plan.dry_run and plan.embedded == 1 and plan.deleted == 8 + plan.updated
    # Every other chunk's link metadata changes too: the removed guide is no longer a target.
    assert plan.updated == plan.chunks == 29
    assert indexed.stored() == before and records.list_keys() == keys_before
    database.close()


def test_a_lost_database_costs_no_embeddings_and_no_duplicates(
    indexed: ChunkStore, embedder: Embedder, corpus_copy: Path
) -> None:
    count = indexed.count()
    for lost in indexed.settings.data_dir.glob(SQLITE_FILE + "*"):  # with its WAL files
        lost.unlink()
    report = ingest(corpus_copy, indexed, embedder, navigation_headings=NAV)
    assert report.embedded == 0 and indexed.count() == count


def test_a_file_that_breaks_keeps_its_indexed_sections(
    indexed: ChunkStore, embedder: Embedder, corpus_copy: Path
) -> None:
    before = indexed.stored()
    (corpus_copy / "cloud-certifications-worth-it-2026.md").write_bytes(b"---\ntitle: [\n---\n")
    (corpus_copy / "latin1.md").write_bytes("# Caf\xe9\n\n## Menu\n\nText.\n".encode("latin-1"))
    (corpus_copy / "dupe.md").write_text((corpus_copy / MAIN).read_text())
    (corpus_copy / "noheadings.md").write_text("Just words.\n")
    report = ingest(corpus_copy, indexed, embedder, navigation_headings=NAV)
    assert len(report.errors) == 4
    assert all(
        any(name in e for e in report.errors)
        for name in (
            "cloud-certifications-worth-it-2026.md",
            "latin1.md",
            "dupe.md",
            "noheadings.md",
        )
    )
    assert report.deleted == 0 and report.embedded == 0
    assert indexed.stored() == before


def test_missing_or_empty_corpus_leaves_the_index_untouched(
    indexed: ChunkStore, embedder: Embedder, tmp_path: Path
) -> None:
    before = indexed.stored()
    with pytest.raises(CorpusError):
        ingest(tmp_path / "missing", indexed, embedder, navigation_headings=NAV)
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError):
        ingest(tmp_path / "empty", indexed, embedder, navigation_headings=NAV)
    assert indexed.stored() == before


def test_a_new_model_builds_its_own_collection_and_serves_only_when_complete(
    indexed: ChunkStore, settings: Settings, corpus_copy: Path, embedder: Embedder
) -> None:
    small = Embedder(truncate_dim=128)
    assert small.dimension == 128
    new_store = ChunkStore(settings, model_name=small.name, dimension=small.dimension)

    def crash(done: int, total: int) -> None:
        if done >= 8:
            raise RuntimeError("simulated crash")

    with pytest.raises(RuntimeError):
        ingest(corpus_copy, new_store, small, navigation_headings=NAV, batch_size=4, progress=crash)
    written = new_store.count()
    assert written >= 8 and not new_store.is_complete()
    with pytest.raises(IndexMissingError, match="still being built"):
        new_store.query(small.encode(["pay"])[0], 3)
    # The old model's index is untouched and still answers.
    assert indexed.is_complete() and indexed.query(embedder.encode(["pay"])[0], 3)
    report = ingest(corpus_copy, new_store, small, navigation_headings=NAV, batch_size=4)
    assert new_store.is_complete()
    assert report.embedded == new_store.count() - written  # what the crash wrote is reused
    dims = {
        len(v)
        for v in new_store.vectors_for(
            {m["content_hash"] for m in new_store.stored().values()}
        ).values()
    }
    assert dims == {128}
    assert {
        len(v)
        for v in indexed.vectors_for(
            {m["content_hash"] for m in indexed.stored().values()}
        ).values()
    } == {384}


def test_link_graph_matches_the_markdown_links(indexed: ChunkStore) -> None:
    from_index: dict[str, set[str]] = {}
    for meta in indexed.stored().values():
        targets = {s for s in meta["article_links_to"].split(",") if s}
        from_index.setdefault(meta["slug"], set()).update(targets)
    # An independent reading of the raw files: every link to a corpus article's url.
    pattern = re.compile(r"\]\(https://careers\.example\.com/articles/([a-z0-9-]+)")
    from_text = {
        p.stem: set(pattern.findall(p.read_text())) - {p.stem} for p in CORPUS.glob("*.md")
    }
    assert from_index == from_text
    assert all(len(targets) >= 4 for targets in from_index.values())


def test_rebuild_embeds_everything_again_in_place(
    indexed: ChunkStore, embedder: Embedder, corpus_copy: Path
) -> None:
    before = indexed.stored()
    (corpus_copy / "junior-developer-gap-2026.md").write_bytes(b"\xff broken now")
    report = ingest(corpus_copy, indexed, embedder, navigation_headings=NAV, rebuild=True)
    # Every chunk went through the model again, the unreadable file's kept ones included.
    assert report.embedded == len(before) == 37 and report.unchanged == report.chunks == 29
    assert set(indexed.stored()) == set(before)  # same ids; the broken file's chunks kept
    assert indexed.is_complete()


def test_a_subfolder_or_file_inside_the_corpus_narrows_the_run(
    settings: Settings, embedder: Embedder, corpus_copy: Path
) -> None:
    guides = corpus_copy / "guides"
    guides.mkdir()
    for name in ("ai-engineer-salary-2026.md", "cloud-certifications-worth-it-2026.md"):
        (corpus_copy / name).rename(guides / name)
    store = make_store(settings, embedder)
    ingest(corpus_copy, store, embedder, navigation_headings=NAV)
    sources = {m["source"] for m in store.stored().values()}
    assert "guides/ai-engineer-salary-2026.md" in sources
    (guides / "cloud-certifications-worth-it-2026.md").unlink()
    report = ingest(corpus_copy, store, embedder, only=guides, navigation_headings=NAV)
    # The removed guide's chunks (and old versions of any whose links changed).
    assert report.articles == 1 and report.deleted == 8 + report.updated
    left = {m["source"] for m in store.stored().values()}
    assert MAIN in left and "guides/cloud-certifications-worth-it-2026.md" not in left
    report = ingest(
        corpus_copy,
        store,
        embedder,
        only=guides / "ai-engineer-salary-2026.md",
        navigation_headings=NAV,
    )
    assert (
        report.embedded == 0
        and report.deleted == 0
        and max(Counter(m["chunk_key"] for m in store.stored().values()).values()) == 1
    )
    with pytest.raises(CorpusError, match="not inside the corpus folder"):
        ingest(corpus_copy, store, embedder, only=CORPUS / MAIN, navigation_headings=NAV)


@pytest.mark.skipif(not native_bf16(), reason="this CPU has no native bfloat16")
def test_a_bfloat16_ingest_writes_float32_close_vectors_into_the_same_collection(
    settings: Settings, embedder: Embedder
) -> None:
    fast = Embedder(bf16="on")
    store = make_store(settings, fast)
    assert store.name == make_store(settings, embedder).name
    report = ingest(CORPUS, store, fast, navigation_headings=NAV)
    assert report.embedded == report.chunks == store.count()
    got = store.collection().get(include=["documents", "embeddings"])
    stored = np.asarray(got["embeddings"], dtype=np.float32)
    exact = embedder.encode(list(got["documents"]))
    cosines = (stored * exact).sum(axis=1)
    assert float(cosines.min()) > 0.9999 and not np.array_equal(stored, exact)


def test_an_already_loaded_corpus_is_ingested_through_the_same_plan(
    settings: Settings, embedder: Embedder, indexed: ChunkStore
) -> None:
    from dataclasses import replace

    from careerbot.ingest import IngestOptions, ingest_corpus
    from careerbot.sources import load_corpus

    corpus = load_corpus(CORPUS, navigation_headings=NAV)
    again = ingest_corpus(corpus, indexed, embedder)
    assert again.unchanged == again.chunks and again.embedded == 0 and again.deleted == 0
    fewer = replace(corpus, articles=corpus.articles[1:])
    plan = ingest_corpus(fewer, indexed, embedder, IngestOptions(dry_run=True))
    assert plan.dry_run and plan.deleted > 0 and indexed.count() == again.chunks
    report = ingest_corpus(fewer, indexed, embedder)
    assert report.deleted == plan.deleted and indexed.count() == report.chunks
    assert corpus.articles[0].title not in indexed.titles()
