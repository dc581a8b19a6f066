from __future__ import annotations

import pytest

from careerbot.embedding.embedder import Embedder
from careerbot.embedding.vector_cache import VectorCache


def test_shortfalls_measure_each_text_from_the_closest(embedder: Embedder) -> None:
    cache = VectorCache(embedder)
    titles = [
        "Are Cloud Certifications Worth It in 2026? The ROI Data, Ranked",
        "AI Engineer Salary in 2026: What the Market Actually Pays",
    ]
    query = cache.vectors(["which cloud certification should i get first"])[0]
    gaps = cache.shortfalls(query, titles)
    assert gaps[titles[0]] == 0.0
    cosines = cache.vectors(titles) @ query
    assert gaps[titles[1]] == pytest.approx(float(cosines[0] - cosines[1]))
    assert gaps[titles[1]] > 0
    assert cache.shortfalls(query, []) == {}
