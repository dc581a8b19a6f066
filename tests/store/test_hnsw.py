"""The Chroma collection really carries the configured HNSW parameters, and finds the true
nearest neighbours (recall@10 against exact search over the same real embeddings)."""

from __future__ import annotations

import numpy as np
import pytest

from bench.distractors import DOCS, cached_vectors, distractors
from careerbot.embedding.embedder import Embedder
from careerbot.ingest.run import ingest
from careerbot.settings import Settings
from careerbot.store.chroma import ChunkStore
from careerbot.store.collection import forget_cached_clients
from tests.conftest import CORPUS


def hnsw_of(store: ChunkStore) -> dict[str, object]:
    return dict(store.collection().configuration["hnsw"])


def test_the_collection_is_created_with_the_configured_hnsw_parameters(
    settings: Settings, embedder: Embedder
) -> None:
    tuned = settings.model_copy(
        update={"hnsw_ef_search": 37, "hnsw_ef_construction": 55, "hnsw_max_neighbors": 12}
    )
    store = ChunkStore(tuned, model_name=embedder.name, dimension=embedder.dimension)
    ingest(CORPUS, store, embedder)
    hnsw = hnsw_of(store)
    assert (hnsw["space"], hnsw["ef_search"], hnsw["ef_construction"], hnsw["max_neighbors"]) == (
        "cosine",
        37,
        55,
        12,
    )


def test_a_changed_ef_search_applies_to_an_existing_index_without_a_rebuild(
    settings: Settings, embedder: Embedder
) -> None:
    store = ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)
    ingest(CORPUS, store, embedder)
    count = store.count()
    del store
    forget_cached_clients()  # a new process, as after a restart with the new setting
    changed = settings.model_copy(update={"hnsw_ef_search": 250, "hnsw_max_neighbors": 32})
    reopened = ChunkStore(changed, model_name=embedder.name, dimension=embedder.dimension)
    hnsw = hnsw_of(reopened)
    assert hnsw["ef_search"] == 250
    assert hnsw["max_neighbors"] == settings.hnsw_max_neighbors  # the graph is kept as built
    assert reopened.count() == count and reopened.exists()


@pytest.mark.skipif(not DOCS.is_dir(), reason=f"needs Debian's python3-doc ({DOCS})")
@pytest.mark.slow  # several seconds: a fresh index, a slow page or a recall sweep
def test_recall_at_10_against_exact_search_on_real_embeddings(
    settings: Settings, embedder: Embedder
) -> None:
    chunks = distractors(4000)  # paragraphs of the Python docs, embedded once and cached
    vectors = cached_vectors(chunks, embedder, log=lambda _: None)
    base, queries = vectors[:3800], vectors[3800:]  # 200 held-out paragraphs ask
    store = ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)
    ids = [f"d{i}" for i in range(len(base))]
    for start in range(0, len(base), 1000):
        part = slice(start, start + 1000)
        store.upsert(
            ids[part],
            [c.embed_text for c in chunks[: len(base)][part]],
            [{"n": i} for i in range(start, min(start + 1000, len(base)))],
            base[part],
        )
    store.mark_complete()
    exact = np.argsort(-(queries @ base.T), axis=1)[:, :10]
    found = [[int(h.id[1:]) for h in store.query(q, 10)] for q in queries]
    recall = np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact, strict=True)])
    assert recall >= 0.95, f"recall@10 {recall:.3f} with {hnsw_of(store)}"
