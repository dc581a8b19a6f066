from __future__ import annotations

import json
from pathlib import Path

import pytest

from careerbot.embedding.embedder import Embedder
from careerbot.ingest.run import ingest
from careerbot.retrieval.lexical import LexicalIndex
from careerbot.settings import Settings
from careerbot.store.chroma import ChunkStore
from tests.conftest import CORPUS

INDIA = "ai-ml-engineer-jobs-india-2026"


@pytest.fixture
def store(settings: Settings, embedder: Embedder) -> ChunkStore:
    store = ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)
    ingest(CORPUS, store, embedder)
    return store


def test_a_rare_word_finds_its_article_with_confidence(store: ChunkStore, tmp_path: Path) -> None:
    lex = LexicalIndex(store, tmp_path / "lexical")
    got = lex.scores("IndiaAI mission")
    best_id, best = got.top(1)[0]
    assert best_id.startswith(f"{INDIA}#") and best == got.best > 0
    assert got.confidence > 0.3
    every = got.normalised()
    assert every and all(0 < v <= 1 for v in every.values()) and max(every.values()) == 1.0
    # Only for the ids asked about: the same values, unknown and non-matching ids left out.
    asked = [
        best_id,
        "no-such-chunk",
        *list(every)[:3],
        *[i for i in got.ids if i not in every][:2],
    ]
    assert got.normalised(asked) == {i: every[i] for i in asked if i in every}


def test_stemming_matches_other_forms_of_a_word(store: ChunkStore, tmp_path: Path) -> None:
    lex = LexicalIndex(store, tmp_path / "lexical")
    plural, singular = lex.scores("salaries"), lex.scores("salary")
    assert plural.best > 0 and plural.top(5) == singular.top(5)


def test_stop_words_alone_match_nothing(store: ChunkStore, tmp_path: Path) -> None:
    got = LexicalIndex(store, tmp_path / "lexical").scores("the and of to")
    assert got.best == 0 and got.confidence == 0 and got.top(5) == [] and got.normalised() == {}


def test_saved_index_is_reused_and_a_damaged_one_rebuilt(store: ChunkStore, tmp_path: Path) -> None:
    folder = tmp_path / "lexical"
    first = LexicalIndex(store, folder).scores("cloud certification")
    saved = folder / store.name / "careerbot.json"
    assert json.loads(saved.read_text())["stamp"] == store.stamp
    mtime = saved.stat().st_mtime_ns
    again = LexicalIndex(store, folder).scores("cloud certification")
    assert saved.stat().st_mtime_ns == mtime  # loaded, not rebuilt
    assert again.top(3) == first.top(3)
    saved.write_text("{not json")
    repaired = LexicalIndex(store, folder).scores("cloud certification")
    assert repaired.top(3) == first.top(3)
    assert json.loads(saved.read_text())["stamp"] == store.stamp


def test_an_ingest_brings_the_keyword_index_up_to_date(
    settings: Settings, embedder: Embedder, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for src in CORPUS.glob("*.md"):
        (corpus / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    store = ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)
    ingest(corpus, store, embedder)
    lex = LexicalIndex(store, tmp_path / "lexical")
    assert lex.scores("zyxwvut").best == 0
    (corpus / "new.md").write_text(
        "---\ntitle: Quantum Careers\n---\n# Quantum Careers\n\n## Zyxwvut skills\n\n"
        "Learn the zyxwvut toolkit before applying.\n",
        encoding="utf-8",
    )
    ingest(corpus, store, embedder)
    assert lex.scores("zyxwvut").best == 0  # the old index serves while the new one is built
    lex.wait(60)
    assert lex.scores("zyxwvut").top(1)[0][0].startswith("new#")
    assert lex.in_step
