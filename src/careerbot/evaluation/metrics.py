"""Retrieval and answer quality on a gold set.

Metrics are at section level: Recall@1/3/5, MRR@10 and nDCG@10 for answerable questions;
refusal precision and recall over all of them; citation validity (every cited section was among
those retrieved) and lexical support (the share of each answer sentence's words that its cited
section contains).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from careerbot.evaluation.gold import GoldItem
from careerbot.text import content_words

if TYPE_CHECKING:
    from careerbot.bot import CareerBot
    from careerbot.types import Answer

DEPTH = 10


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
    from careerbot.answering.answerability import best_similarity

    scored = []
    for item in items:
        passages = bot.retrieve(item.question)
        scored.append((item.answerable, best_similarity(passages) if passages else -1.0))
    answerable = sum(a for a, _ in scored) or 1
    unanswerable = (len(scored) - sum(a for a, _ in scored)) or 1
    points = []
    for t in thresholds or [round(0.2 + 0.02 * i, 2) for i in range(21)]:
        refused = [(a, r) for a, r in scored if r < t]
        right = sum(not a for a, _ in refused)
        points.append(
            RefusalPoint(
                threshold=t,
                refusal_precision=right / len(refused) if refused else 1.0,
                refusal_recall=right / unanswerable,
                answered_rate=sum(a and r >= t for a, r in scored) / answerable,
            )
        )
    return points


def recommended_threshold(points: Sequence[RefusalPoint], *, min_answered: float = 1.0) -> float:
    """The strictest threshold that still answers ``min_answered`` of the answerable questions
    (refusing a question the articles answer is the worse mistake for a reader)."""
    ok = [p.threshold for p in points if p.answered_rate >= min_answered]
    return max(ok) if ok else min(p.threshold for p in points)
