from __future__ import annotations

from careerbot.embedding.embedder import Embedder
from careerbot.ingest.chunking import chunk_article, split_to_fit
from careerbot.sources import load_corpus, parse_markdown
from tests.conftest import CORPUS


def test_short_sections_stay_whole_with_their_trail(embedder: Embedder) -> None:
    corpus = load_corpus(CORPUS, navigation_headings=("Sources", "Continue your decision path"))
    article = corpus.by_slug()["ml-engineer-vs-data-scientist-2026"]
    chunks = chunk_article(article, count_tokens=embedder.count_tokens, max_tokens=256)
    assert [c.section for c in chunks] == [
        "Introduction",
        "What each role actually does",
        "How pay and demand differ",
        "The AI-resilience angle",
        "The directive: which to choose",
    ]
    assert all(c.part == 0 for c in chunks)
    for c in chunks:
        assert c.embed_text.startswith(f"{article.title} › {c.section}\n\n")
        assert c.id == f"{article.slug}#{c.anchor}:0"
        assert len(c.content_hash) == 32


def test_a_section_longer_than_the_window_is_split_at_sentences(embedder: Embedder) -> None:
    sentence = "Model serving needs careful monitoring of latency, cost and drift in production."
    body = " ".join([sentence] * 60)
    article = parse_markdown(f"# Long\n\n## Serving\n\n{body}\n", source="x.md", default_slug="x")
    chunks = chunk_article(article, count_tokens=embedder.count_tokens, max_tokens=256)
    assert len(chunks) > 1
    assert [c.part for c in chunks] == list(range(len(chunks)))
    assert len({c.id for c in chunks}) == len(chunks)
    for c in chunks:
        assert embedder.count_tokens(c.embed_text) <= 256
        assert c.embed_text.startswith("Long › Serving\n\n")
        assert c.text.endswith(".")
    assert " ".join(c.text for c in chunks) == body


def test_a_single_overlong_sentence_is_cut_at_words(embedder: Embedder) -> None:
    words = " ".join(f"word{i}" for i in range(400))
    parts = split_to_fit(words, 100, embedder.count_tokens)
    assert len(parts) > 1
    assert all(embedder.count_tokens(p) <= 100 for p in parts)
    assert " ".join(parts) == words
