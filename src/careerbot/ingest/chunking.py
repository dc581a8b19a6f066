"""Sections into chunks: a section stays whole unless it is longer than the model's window.

The heading trail ("Title › Section › Subsection") leads every embedded text, so a part of a
long section still knows where it came from. Chunk ids are built by
:func:`careerbot.store.schema.chunk_id`, the one place that knows their shape.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping

from careerbot.store.schema import chunk_id
from careerbot.text import split_sentences
from careerbot.types import SEP, Article, Chunk, Link, Section


def embed_prefix(section: Section) -> str:
    """The heading trail that leads the embedded text."""
    return f"{section.title}{SEP}{section.name}\n\n"


def split_to_fit(text: str, budget: int, count_tokens: Callable[[str], int]) -> list[str]:
    """Split ``text`` at sentence ends into parts of at most ``budget`` tokens each.

    A single sentence longer than the budget is cut at word boundaries.
    """
    if count_tokens(text) <= budget:
        return [text]
    parts: list[str] = []
    current: list[str] = []
    for sentence in _fitting_pieces(split_sentences(text), budget, count_tokens):
        candidate = " ".join([*current, sentence])
        if current and count_tokens(candidate) > budget:
            parts.append(" ".join(current))
            current = [sentence]
        else:
            current.append(sentence)
    if current:
        parts.append(" ".join(current))
    return parts


def _fitting_pieces(
    sentences: Iterable[str], budget: int, count_tokens: Callable[[str], int]
) -> Iterable[str]:
    for sentence in sentences:
        if count_tokens(sentence) <= budget:
            yield sentence
            continue
        words: list[str] = []
        for word in sentence.split():
            if words and count_tokens(" ".join([*words, word])) > budget:
                yield " ".join(words)
                words = []
            words.append(word)
        if words:
            yield " ".join(words)


def chunk_article(
    article: Article,
    *,
    count_tokens: Callable[[str], int],
    max_tokens: int,
    slug_for_url: Mapping[str, str] | None = None,
) -> list[Chunk]:
    """Chunks of an article's content sections (navigation sections are not indexed).

    ``slug_for_url`` maps canonical URLs of corpus articles to their slugs, to record which
    articles a section links to.
    """
    slug_for_url = slug_for_url or {}

    def corpus_slugs(links: Iterable[Link]) -> tuple[str, ...]:
        found = (slug_for_url.get(link.href.split("#")[0]) for link in links)
        return tuple(dict.fromkeys(s for s in found if s and s != article.slug))

    article_links_to = corpus_slugs(article.links)
    chunks: list[Chunk] = []
    for section in article.sections:
        if section.navigation or not section.text.strip():
            continue
        prefix = embed_prefix(section)
        budget = max_tokens - count_tokens(prefix)
        links_to = corpus_slugs(section.links)
        for part, text in enumerate(split_to_fit(section.text, budget, count_tokens)):
            embed_text = prefix + text
            chunks.append(
                Chunk(
                    id=chunk_id(article.slug, section.anchor, part),
                    slug=article.slug,
                    title=article.title,
                    section=section.name,
                    anchor=section.anchor,
                    part=part,
                    text=text,
                    embed_text=embed_text,
                    content_hash=hashlib.sha256(embed_text.encode()).hexdigest()[:32],
                    canonical_url=article.url or "",
                    updated=article.updated.isoformat() if article.updated else "",
                    source=article.path,
                    origin=article.origin,
                    links_to=links_to,
                    article_links_to=article_links_to,
                )
            )
    return chunks
