from __future__ import annotations

import pytest

from careerbot.embedding.embedder import Embedder
from careerbot.errors import IndexCorruptError, IndexMissingError, IndexStateError
from careerbot.ingest.run import ingest
from careerbot.settings import Settings
from careerbot.store.chroma import ChunkStore
from tests.conftest import CORPUS


def test_missing_index_says_how_to_build_it(settings: Settings, embedder: Embedder) -> None:
    store = ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)
    assert not store.exists()
    with pytest.raises(IndexMissingError, match="careerbot ingest"):
        store.collection()


def test_corrupt_index_says_how_to_rebuild(settings: Settings, embedder: Embedder) -> None:
    store = ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)
    ingest(CORPUS, store, embedder)
    del store
    db = settings.chroma_path / "chroma.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    with pytest.raises(IndexCorruptError, match="careerbot ingest --rebuild"):
        reopened = ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)
        reopened.exists()


def test_each_model_gets_its_own_collection(settings: Settings, embedder: Embedder) -> None:
    store = ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)
    ingest(CORPUS, store, embedder)
    other = ChunkStore(settings, model_name="other-model", dimension=128)
    assert other.name != store.name and other.name.endswith("other-model-128")
    assert not other.exists()
    with pytest.raises(IndexMissingError):
        other.collection()
    assert store.exists()


def test_a_collection_holding_another_models_vectors_is_refused(
    settings: Settings, embedder: Embedder
) -> None:
    store = ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)
    ingest(CORPUS, store, embedder)
    store.collection().modify(metadata={"model": "other-model", "dimension": 384, "complete": True})
    reopened = ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)
    with pytest.raises(IndexStateError, match="holds vectors of the model 'other-model'"):
        reopened.exists()


def test_titles_come_from_the_last_ingest_or_else_from_the_chunks(
    settings: Settings, embedder: Embedder
) -> None:
    store = ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)
    ingest(CORPUS, store, embedder)
    scanned = sorted({str(m["title"]) for m in store.stored().values()})
    assert len(scanned) == 5 and store.titles() == scanned
    assert store.sidecar.titles_path.is_file()
    # One article narrower: the other titles are kept, not forgotten.
    ingest(CORPUS, store, embedder, only=next(CORPUS.glob("*.md")))
    assert store.titles() == scanned
    # A writer that lists no titles (or a damaged list) means reading them from the chunks.
    store.sidecar.titles_path.write_text("{broken")
    assert store.titles() == scanned
    store.mark_complete()
    assert store.titles() == scanned
