"""The evaluation harness: retrieval and answer quality on a gold set of questions.

The gold set is JSON Lines, one question per line:

    {"question": "...", "slug": "<article>", "section": "<Section as cited>"}
    {"question": "...", "answerable": false}

Metrics are at section level: Recall@1/3/5, MRR@10 and nDCG@10 for answerable questions;
refusal precision and recall over all of them; citation validity (every cited section was among
those retrieved) and lexical support (the share of each answer sentence's words that its cited
section contains).

An inverse-cloze set (:func:`cloze_set`) can be made from any corpus, so retrieval can be
measured on text nobody here wrote questions for.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from careerbot.errors import CareerbotError
from careerbot.settings import Settings
from careerbot.sources import Corpus
from careerbot.text import content_words, split_sentences

if TYPE_CHECKING:
    from careerbot.bot import CareerBot
    from careerbot.embedding.embedder import Embedder
    from careerbot.types import Answer

DEPTH = 10


class EvalFileError(CareerbotError):
    """The gold file cannot be read; the message names the line."""


@dataclass(frozen=True)
class GoldItem:
    """One question, and the section that answers it (None: the articles cannot)."""

    question: str
    slug: str | None = None
    section: str | None = None
    line: int = 0

    @property
    def answerable(self) -> bool:
        """Whether the articles answer it."""
        return self.slug is not None


def load_gold(path: Path) -> list[GoldItem]:
    """Read a gold file; raises :class:`EvalFileError` naming the first bad line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalFileError(f"Cannot read the gold file {path}: {exc}") from exc
    items = []
    for n, raw in enumerate(lines, start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise EvalFileError(f"{path}, line {n}: not valid JSON ({exc.msg})") from exc
        if not isinstance(row, dict) or not isinstance(row.get("question"), str):
            raise EvalFileError(f'{path}, line {n}: needs an object with a "question" string')
        if row.get("answerable", True) is False:
            items.append(GoldItem(row["question"], line=n))
        elif isinstance(row.get("slug"), str) and isinstance(row.get("section"), str):
            items.append(GoldItem(row["question"], row["slug"], row["section"], line=n))
        else:
            raise EvalFileError(
                f'{path}, line {n}: give "slug" and "section", or "answerable": false'
            )
    if not items:
        raise EvalFileError(f"{path} holds no questions")
    return items


@dataclass(frozen=True)
class EvalReport:
    """Quality figures over a gold set."""

    questions: int
    answerable: int
    recall_at_1: float
    recall_at_3: float
    recall_at_5: float
    mrr_at_10: float
    ndcg_at_10: float
    refusal_precision: float
    refusal_recall: float
    answered_rate: float
    """Share of answerable questions that were answered (not refused)."""
    citation_validity: float
    lexical_support: float
    flagged_share: float = 0.0
    """Share of answer sentences the citation checker flagged or dropped (answered questions)."""
    misses: tuple[str, ...] = ()
    """Answerable questions whose section was not in the top 5."""

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of ``careerbot eval --json``."""
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def rank_of(item: GoldItem, found: Sequence[tuple[str, str]]) -> int | None:
    """1-based rank of the item's section among ``(slug, section)`` results, or None."""
    for n, key in enumerate(found, start=1):
        if key == (item.slug, item.section):
            return n
    return None


def ranking_metrics(ranks: Sequence[int | None]) -> dict[str, float]:
    """Recall@1/3/5, MRR@10, nDCG@10 with one relevant section per question."""
    n = len(ranks) or 1

    def recall(k: int) -> float:
        return sum(1 for r in ranks if r is not None and r <= k) / n

    return {
        "recall_at_1": recall(1),
        "recall_at_3": recall(3),
        "recall_at_5": recall(5),
        "mrr_at_10": sum(1 / r for r in ranks if r is not None and r <= DEPTH) / n,
        "ndcg_at_10": sum(1 / math.log2(r + 1) for r in ranks if r is not None and r <= DEPTH) / n,
    }


def support(answer: Answer) -> list[float]:
    """For each marked sentence: the share of its words found in the sections it cites."""
    from careerbot.answering.citations.markers import parse

    texts = {(p.title, p.section): p.text for p in answer.passages}
    cited = [content_words(texts.get((c.title, c.section), "")) for c in answer.citations]
    scores = []
    for line in parse(answer.text, len(cited)):
        for sentence in line.sentences:
            words = content_words(sentence.claim)
            if words and sentence.cited:
                found = set().union(*(cited[i] for i in sentence.cited))
                scores.append(len(words & found) / len(words))
    return scores


def flagged_counts(answer: Answer) -> tuple[int, int]:
    """``(flagged or dropped, all)`` sentences of an answer, whatever its backend."""
    from careerbot.answering.citations.markers import claims

    total = len(claims(answer.text)) + len(answer.dropped)
    return len(answer.flagged) + len(answer.dropped), total


def evaluate(bot: CareerBot, items: Sequence[GoldItem]) -> EvalReport:
    """Run every gold question through retrieval and the answerer."""
    answerable = [i for i in items if i.answerable]
    ranks, misses = [], []
    for item in answerable:
        found = [(p.slug, p.section) for p in bot.retrieve(item.question, k=DEPTH)]
        rank = rank_of(item, found)
        ranks.append(rank)
        if rank is None or rank > 5:
            misses.append(item.question)
    refused_right = refused_wrong = answered = 0
    valid = cited = 0
    supports: list[float] = []
    flagged = sentences = 0
    for item in items:
        answer = bot.ask(item.question)
        if answer.refused:
            refused_right += not item.answerable
            refused_wrong += item.answerable
            continue
        answered += item.answerable
        retrieved = {(p.title, p.section) for p in answer.passages}
        cited += len(answer.citations)
        valid += sum((c.title, c.section) in retrieved for c in answer.citations)
        supports += support(answer)
        bad, total = flagged_counts(answer)
        flagged += bad
        sentences += total
    unanswerable = len(items) - len(answerable)
    refusals = refused_right + refused_wrong
    return EvalReport(
        questions=len(items),
        answerable=len(answerable),
        **ranking_metrics(ranks),
        refusal_precision=refused_right / refusals if refusals else 1.0,
        refusal_recall=refused_right / unanswerable if unanswerable else 1.0,
        answered_rate=answered / len(answerable) if answerable else 1.0,
        citation_validity=valid / cited if cited else 1.0,
        lexical_support=sum(supports) / len(supports) if supports else 0.0,
        flagged_share=flagged / sentences if sentences else 0.0,
        misses=tuple(misses),
    )


@dataclass(frozen=True)
class RefusalPoint:
    """Refusal quality if ``min_relevance`` were ``threshold``."""

    threshold: float
    refusal_precision: float
    refusal_recall: float
    answered_rate: float


def refusal_curve(
    bot: CareerBot, items: Sequence[GoldItem], thresholds: Sequence[float] | None = None
) -> list[RefusalPoint]:
    """Refusal precision/recall and answered rate over candidate thresholds (retrieval runs
    once per question; the answerer is not needed to decide a refusal)."""
    from careerbot.bot import relevance

    scored = []
    for item in items:
        passages = bot.retrieve(item.question)
        scored.append((item.answerable, relevance(passages) if passages else -1.0))
    answerable = sum(a for a, _ in scored) or 1
    unanswerable = (len(scored) - sum(a for a, _ in scored)) or 1
    points = []
    for t in thresholds or [round(0.2 + 0.02 * i, 2) for i in range(21)]:
        refused = [(a, r) for a, r in scored if r < t]
        right = sum(not a for a, _ in refused)
        points.append(RefusalPoint(
            threshold=t,
            refusal_precision=right / len(refused) if refused else 1.0,
            refusal_recall=right / unanswerable,
            answered_rate=sum(a and r >= t for a, r in scored) / answerable,
        ))
    return points


def recommended_threshold(points: Sequence[RefusalPoint], *, min_answered: float = 1.0) -> float:
    """The strictest threshold that still answers ``min_answered`` of the answerable questions
    (refusing a question the articles answer is the worse mistake for a reader)."""
    ok = [p.threshold for p in points if p.answered_rate >= min_answered]
    return max(ok) if ok else min(p.threshold for p in points)


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
                i for i, s in enumerate(sentences)
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

    from careerbot.store.chroma import ChunkStore
    from careerbot.ingest.run import chunk_documents, corpus_chunks, record_key
    from careerbot.sources import load_corpus
    from careerbot.ingest.writer import ChunkVectorStore

    held_out, items = cloze_set(
        load_corpus(corpus_dir, navigation_headings=settings.navigation_headings)
    )
    with tempfile.TemporaryDirectory() as tmp:
        scratch = settings.model_copy(update={"data_dir": Path(tmp), "chroma_host": None})
        store = ChunkStore(scratch, model_name=embedder.name, dimension=embedder.dimension)
        docs = chunk_documents(corpus_chunks(held_out, embedder))
        writer = ChunkVectorStore(store, embedder.for_documents(len(docs)))
        writer.add_documents(docs, ids=[record_key(d) for d in docs])
        store.mark_complete()
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
