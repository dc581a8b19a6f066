from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from careerbot.embeddings import Embedder
from careerbot.errors import CorpusError
from careerbot.index import ChunkStore
from careerbot.ingest import ingest
from careerbot.settings import Settings
from tests.conftest import CORPUS

NAV = Settings().navigation_headings


def make_store(settings: Settings, embedder: Embedder) -> ChunkStore:
    return ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(CORPUS, tmp_path / "corpus"))


def test_first_ingest_stores_every_section_with_its_metadata(
    settings: Settings, embedder: Embedder
) -> None:
    store = make_store(settings, embedder)
    report = ingest(CORPUS, store, embedder, navigation_headings=NAV)
    assert report.articles == 5 and report.errors == ()
    assert report.added == report.chunks == report.embedded == store.count()
    stored = store.stored()
    meta = stored["ml-engineer-vs-data-scientist-2026#how-pay-and-demand-differ:0"]
    assert meta["title"].startswith("ML Engineer vs Data Scientist in 2026")
    assert meta["section"] == "How pay and demand differ"
    assert meta["anchor"] == "how-pay-and-demand-differ"
    assert meta["canonical_url"] == (
        "https://careers.example.com/articles/ml-engineer-vs-data-scientist-2026"
    )
    assert meta["updated"] == "2026-01-12"
    assert re.fullmatch(r"[0-9a-f]{32}", meta["content_hash"])
    assert meta["links_to"] == "ai-engineer-salary-2026"
    assert not any(m["section"] in ("Sources", "Continue your decision path") for m in stored.values())


def test_ingesting_twice_changes_nothing(settings: Settings, embedder: Embedder) -> None:
    store = make_store(settings, embedder)
    first = ingest(CORPUS, store, embedder, navigation_headings=NAV)
    before = store.stored()
    second = ingest(CORPUS, store, embedder, navigation_headings=NAV)
    assert (second.embedded, second.added, second.deleted) == (0, 0, 0)
    assert second.unchanged == first.chunks
    assert store.stored() == before


def test_only_the_changed_section_is_embedded_again(
    settings: Settings, embedder: Embedder, corpus_copy: Path
) -> None:
    store = make_store(settings, embedder)
    ingest(corpus_copy, store, embedder, navigation_headings=NAV)
    path = corpus_copy / "ml-engineer-vs-data-scientist-2026.md"
    path.write_text(path.read_text().replace("Both pay well.", "Both pay very well."))
    report = ingest(corpus_copy, store, embedder, navigation_headings=NAV)
    assert report.embedded == 1 and report.updated == 1 and report.deleted == 0
    assert [str(c) for c in report.changes] == [
        "changed: ML Engineer vs Data Scientist in 2026: Which Path Pays and What to Learn"
        " › How pay and demand differ"
    ]


def test_removed_articles_are_deleted(settings: Settings, embedder: Embedder, corpus_copy: Path) -> None:
    store = make_store(settings, embedder)
    ingest(corpus_copy, store, embedder, navigation_headings=NAV)
    (corpus_copy / "junior-developer-gap-2026.md").unlink()
    report = ingest(corpus_copy, store, embedder, navigation_headings=NAV)
    assert report.deleted > 0 and report.embedded == 0
    assert not any(m["slug"] == "junior-developer-gap-2026" for m in store.stored().values())


def test_a_file_that_breaks_keeps_its_indexed_sections(
    settings: Settings, embedder: Embedder, corpus_copy: Path
) -> None:
    store = make_store(settings, embedder)
    ingest(corpus_copy, store, embedder, navigation_headings=NAV)
    before = store.stored()
    (corpus_copy / "cloud-certifications-worth-it-2026.md").write_bytes(b"---\ntitle: [\n---\n")
    report = ingest(corpus_copy, store, embedder, navigation_headings=NAV)
    assert len(report.errors) == 1 and "cloud-certifications-worth-it-2026.md" in report.errors[0]
    assert report.deleted == 0
    assert store.stored() == before


def test_missing_or_empty_corpus_leaves_the_index_untouched(
    settings: Settings, embedder: Embedder, tmp_path: Path
) -> None:
    store = make_store(settings, embedder)
    ingest(CORPUS, store, embedder, navigation_headings=NAV)
    before = store.stored()
    with pytest.raises(CorpusError):
        ingest(tmp_path / "missing", store, embedder, navigation_headings=NAV)
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError):
        ingest(tmp_path / "empty", store, embedder, navigation_headings=NAV)
    assert store.stored() == before


def test_link_graph_matches_the_markdown_links(settings: Settings, embedder: Embedder) -> None:
    store = make_store(settings, embedder)
    ingest(CORPUS, store, embedder, navigation_headings=NAV)
    from_index: dict[str, set[str]] = {}
    for meta in store.stored().values():
        targets = {s for s in meta["article_links_to"].split(",") if s}
        from_index.setdefault(meta["slug"], set()).update(targets)
    # An independent reading of the raw files: every link to a corpus article's url.
    pattern = re.compile(r"\]\(https://careers\.example\.com/articles/([a-z0-9-]+)")
    from_text = {
        p.stem: set(pattern.findall(p.read_text())) - {p.stem} for p in CORPUS.glob("*.md")
    }
    assert from_index == from_text
    assert all(len(targets) >= 4 for targets in from_index.values())  # all siblings linked
