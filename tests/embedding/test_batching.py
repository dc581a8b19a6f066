"""Batches by token length: every text once, in the caller's order, with the unbatched vectors."""

from __future__ import annotations

import numpy as np

from careerbot.embedding.batching import length_batches, padding_waste
from careerbot.embedding.embedder import Embedder


def test_batches_hold_every_index_once_longest_first_within_both_caps() -> None:
    lengths = [5, 256, 12, 256, 90, 91, 7, 200, 3, 256, 40]
    batches = length_batches(lengths, max_texts=3, max_tokens=600)
    flat = [i for batch in batches for i in batch]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths, reverse=True)
    for batch in batches:
        assert len(batch) <= 3
        assert len(batch) == 1 or max(lengths[i] for i in batch) * len(batch) <= 600
    # 3 x 256 > 600: the window-long texts go two to a batch
    assert [len(b) for b in batches][:2] == [2, 2]


def test_a_text_longer_than_the_token_cap_gets_a_batch_of_its_own() -> None:
    assert length_batches([10, 5000, 10], max_texts=8, max_tokens=100) == [[1], [0, 2]]
    assert length_batches([], max_texts=8) == []


def test_sorting_by_tokens_wastes_less_padding_than_by_characters(embedder: Embedder) -> None:
    # code cuts into many more word pieces per character than prose
    prose = ["Engineers who ship models to production earn more. " * k for k in (2, 3, 4)]
    code = ["x=f(a[0],b[1]);" * k for k in (2, 3, 4)]
    texts = prose + code
    lengths = embedder.token_lengths(texts)
    by_chars = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    by_chars_batches = [by_chars[s : s + 2] for s in range(0, len(texts), 2)]
    by_tokens = length_batches(lengths, max_texts=2)
    assert padding_waste(lengths, by_tokens) < padding_waste(lengths, by_chars_batches)


def test_length_batched_vectors_equal_the_unbatched_ones_in_the_callers_order(
    embedder: Embedder,
) -> None:
    texts = [
        "pay",
        "def f(x):\n    return {'a': [1, 2, 3], 'b': x ** 2}\n" * 8,
        "What do ML engineers in India earn in their first two years? " * 20,
        "cloud",
        "How do I move from data science to ML engineering?",
        "pip install --no-cache-dir 'careerbot[bench]' && python -m bench --quick",
    ]
    alone = np.vstack([embedder.model.encode([t]) for t in texts])
    lengths = embedder.token_lengths(texts)
    assert lengths[2] == embedder.max_tokens  # truncated to the window, as the model sees it
    for batch_size in (1, 2, 32):
        embedder.batch_size, before = batch_size, embedder.batch_size
        try:
            together = embedder.encode(texts)
        finally:
            embedder.batch_size = before
        assert together.shape == (len(texts), embedder.dimension)
        cosine = np.sum(together * alone, axis=1)
        assert np.all(cosine > 0.99999), (batch_size, cosine)
        assert np.allclose(together, alone, atol=1e-5), batch_size
