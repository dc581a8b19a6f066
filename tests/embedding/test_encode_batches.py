"""``Embedder.encode_batches``: the batches of ``encode``, one at a time, for progress."""

from __future__ import annotations

import numpy as np

from careerbot.embedding.embedder import Embedder

TEXTS = [
    "What does an ML engineer do?",
    "Cloud certifications " * 40,
    "Pay",
    "Entry-level developer jobs and AI " * 10,
    "What does an ML engineer do?",
    "Sourdough bread",
    "A data scientist answers questions with data " * 5,
]


def test_the_batches_cover_every_text_once_with_the_vectors_of_encode(
    embedder: Embedder,
) -> None:
    whole = embedder.encode(TEXTS)
    for most in (None, 1, 2, 3, 1000):
        batches = list(embedder.encode_batches(TEXTS, max_texts=most))
        assert sorted(i for batch, _ in batches for i in batch) == list(range(len(TEXTS)))
        limit = embedder.batch_size if most is None else min(most, embedder.batch_size)
        assert all(len(batch) <= limit for batch, _ in batches)
        for batch, vectors in batches:
            assert vectors.shape == (len(batch), embedder.dimension)
            np.testing.assert_allclose(vectors, whole[batch], atol=1e-5)
    assert len(list(embedder.encode_batches(TEXTS, max_texts=2))) >= 4
    assert list(embedder.encode_batches([])) == []
    assert embedder.encode([]).shape == (0, embedder.dimension)
