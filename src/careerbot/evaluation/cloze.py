"""Inverse-cloze sets: retrieval measured on any corpus, without writing questions.

From every section with three or more sentences the middle sentence is held out and asked; its
section is the answer. Text nobody here wrote questions for can be measured this way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from careerbot.evaluation.gold import GoldItem
from careerbot.evaluation.metrics import DEPTH, rank_of, ranking_metrics
from careerbot.settings import Settings
from careerbot.sources import Corpus
from careerbot.text import split_sentences

if TYPE_CHECKING:
    from careerbot.bot import CareerBot
    from careerbot.embedding.embedder import Embedder


def cloze_set(corpus: Corpus, *, min_words: int = 8) -> tuple[Corpus, list[GoldItem]]:
    """An inverse-cloze set from any corpus, deterministically: from every section with three or
    more sentences, the middle sentence of at least ``min_words`` words is held out of the text
    and becomes the question whose answer is that section."""
    items: list[GoldItem] = []
    articles = []
    for article in corpus.articles:
        sections = []
        for section in article.sections:
            sentences = split_sentences(section.text)
            eligible = [
                i
                for i, s in enumerate(sentences)
                if len(s.split()) >= min_words and not s.startswith("- ")
            ]
            if section.navigation or len(sentences) < 3 or not eligible:
                sections.append(section)
                continue
            held = eligible[len(eligible) // 2]
            items.append(GoldItem(sentences[held], article.slug, section.name))
            rest = " ".join(s for i, s in enumerate(sentences) if i != held)
            sections.append(replace(section, text=rest))
        articles.append(replace(article, sections=tuple(sections)))
    return replace(corpus, articles=tuple(articles)), items


@contextmanager
def cloze_index(
    corpus_dir: Path, embedder: Embedder, settings: Settings
) -> Iterator[tuple[Settings, list[GoldItem]]]:
    """A throwaway index of ``corpus_dir``'s inverse-cloze text: yields settings pointing at it
    (change ``retrieval_mode`` freely) and the held-out questions."""
    import tempfile

    from careerbot.ingest.run import ingest_corpus
    from careerbot.sources import load_corpus
    from careerbot.store.chroma import ChunkStore

    held_out, items = cloze_set(
        load_corpus(corpus_dir, navigation_headings=settings.navigation_headings)
    )
    with tempfile.TemporaryDirectory() as tmp:
        scratch = settings.model_copy(update={"data_dir": Path(tmp), "chroma_host": None})
        store = ChunkStore(scratch, model_name=embedder.name, dimension=embedder.dimension)
        ingest_corpus(held_out, store, embedder)  # through ingest, as every write goes
        yield scratch, items


def rank_items(bot: CareerBot, items: Sequence[GoldItem]) -> dict[str, float]:
    """Ranking metrics of answerable ``items`` through ``bot.retrieve``."""
    ranks = [
        rank_of(i, [(p.slug, p.section) for p in bot.retrieve(i.question, k=DEPTH)])
        for i in items
        if i.answerable
    ]
    return {k: round(v, 4) for k, v in ranking_metrics(ranks).items()}


def evaluate_cloze(corpus_dir: Path, embedder: Embedder, settings: Settings) -> dict[str, float]:
    """Ranking metrics on the inverse-cloze set of ``corpus_dir``, in a throwaway index."""
    from careerbot.bot import CareerBot

    with cloze_index(corpus_dir, embedder, settings) as (scratch, items):
        bot = CareerBot(scratch, embedder=embedder, build_if_missing=False)
        return {"questions": float(len(items)), **rank_items(bot, items)}
