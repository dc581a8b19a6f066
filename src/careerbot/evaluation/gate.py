"""The gate before a re-ingest goes live: ``careerbot ingest --check``.

The new content is ingested into a scratch copy of the live index
(:mod:`careerbot.evaluation.scratch`); the gold questions and the distinct questions readers
asked lately are asked of both, and the gold metrics compared. The caller publishes (runs the
real ingest) only when no metric dropped by more than ``check_max_drop``.

Both indexes answer extractively whatever ``llm`` says: the gate measures retrieval and
refusals (decided before any answerer runs) and which section an answer cites first, which a
model's wording would only blur, at a model's cost per question.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from careerbot.errors import IndexMissingError
from careerbot.evaluation.gold import GoldItem
from careerbot.evaluation.metrics import rank_of
from careerbot.evaluation.scratch import scratch_bot

if TYPE_CHECKING:
    from careerbot.answering.base import Answerer
    from careerbot.bot import CareerBot
    from careerbot.ingest.report import IngestReport
    from careerbot.types import Answer

StepProgress = Callable[[str, int, int], None]
"""``(step, done, total)``: what the check is doing, and how far it is."""

ASK_BATCH = 16
HIT_DEPTH = 3


@dataclass(frozen=True)
class Outcome:
    """What one answer came to: refused, or the section it cites first (``Title › Section``)."""

    refused: bool
    section: str | None = None

    def __str__(self) -> str:
        return "refused" if self.refused else self.section or "answered, citing nothing"


@dataclass(frozen=True)
class ChangedAnswer:
    """A question whose outcome differs between the live index and the new content."""

    question: str
    source: str
    """``gold`` or ``log`` (a reader's question)."""
    before: Outcome
    after: Outcome

    def __repr__(self) -> str:
        return f"ChangedAnswer([{self.source}] {self.question!r}: {self.before} → {self.after})"


@dataclass(frozen=True)
class MetricChange:
    """One gold metric (a share, 0 to 1) before and after, and the questions it lost."""

    name: str
    before: float
    after: float
    questions: int
    """Gold questions the share is over."""
    lost: tuple[str, ...] = ()
    """Questions that counted before and not after."""

    @property
    def drop(self) -> float:
        """How far it fell (negative: it rose)."""
        return round(self.before - self.after, 4)

    def __repr__(self) -> str:
        return f"MetricChange({self.name} {self.before:.3f} → {self.after:.3f})"


@dataclass(frozen=True)
class GateReport:
    """The check of one re-ingest: metrics before and after, the answers that changed, and
    what the ingest would change (its report, from the scratch copy)."""

    metrics: tuple[MetricChange, ...]
    changed: tuple[ChangedAnswer, ...]
    gold_questions: int
    logged_questions: int
    max_drop: float
    ingest: IngestReport
    generation: str
    """The live generation checked against: publish only onto this one."""
    seconds: float

    @property
    def dropped(self) -> tuple[MetricChange, ...]:
        """Metrics that fell by more than ``max_drop``."""
        return tuple(m for m in self.metrics if m.drop > self.max_drop + 1e-9)

    @property
    def passed(self) -> bool:
        """Whether the new content may go live."""
        return not self.dropped

    def what_dropped(self) -> str:
        """Each metric that dropped too far, by how much, and the questions it lost (empty
        when the check passed)."""
        parts = []
        for m in self.dropped:
            lost = "; ".join(f'"{q}"' for q in m.lost[:5])
            more = f" and {len(m.lost) - 5} more" if len(m.lost) > 5 else ""
            parts.append(
                f"{m.name} dropped {m.before:.3f} → {m.after:.3f} (by {m.drop:.3f}; at most "
                f"{self.max_drop:.3f} allowed)" + (f", losing {lost}{more}" if lost else "")
            )
        return ". ".join(parts) + ("." if parts else "")

    def message(self) -> str:
        """:meth:`what_dropped`, and that nothing was published (empty when it passed)."""
        if self.passed:
            return ""
        return (
            f"{self.what_dropped()} Nothing was published: the live index is unchanged. Fix "
            "the articles, or publish anyway with --force (or allow more with --max-drop)."
        )

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of ``careerbot ingest --check --json``'s ``check``."""
        return {
            "passed": self.passed,
            "max_drop": self.max_drop,
            "metrics": [
                {
                    "name": m.name,
                    "before": round(m.before, 4),
                    "after": round(m.after, 4),
                    "drop": m.drop,
                    "questions": m.questions,
                    "lost": list(m.lost),
                }
                for m in self.metrics
            ],
            "changed": [
                {"question": c.question, "source": c.source, "before": str(c.before)}
                | {"after": str(c.after)}
                for c in self.changed
            ],
            "gold_questions": self.gold_questions,
            "logged_questions": self.logged_questions,
            "generation": self.generation,
            "seconds": round(self.seconds, 3),
        }

    def __repr__(self) -> str:
        verdict = "passed" if self.passed else "blocked"
        figures = ", ".join(f"{m.name} {m.before:.3f} → {m.after:.3f}" for m in self.metrics)
        return f"GateReport({verdict}: {figures}; {len(self.changed)} answers changed)"


def outcome(answer: Answer) -> Outcome:
    """An answer's :class:`Outcome`: refused, or its first citation (else its top passage)."""
    if answer.refused:
        return Outcome(True)
    if answer.citations:
        return Outcome(False, answer.citations[0].label)
    return Outcome(False, answer.passages[0].label if answer.passages else None)


def check_ingest(
    live: CareerBot,
    gold: Sequence[GoldItem],
    *,
    path: Path | None = None,
    urls: Sequence[str] = (),
    sitemaps: Sequence[str] = (),
    logged: Sequence[str] = (),
    max_drop: float | None = None,
    progress: StepProgress | None = None,
) -> GateReport:
    """Ingest ``path`` (and ``urls``, ``sitemaps``, as :meth:`CareerBot.ingest` takes them)
    into a scratch copy of ``live``'s index, ask ``gold`` and ``logged`` of both, and compare.

    Nothing of the live index is written. Raises :class:`~careerbot.errors.IndexMissingError`
    when there is no live index to compare with."""
    started = time.perf_counter()
    if not live.store.exists():
        raise IndexMissingError(
            f"No live index at {live.store.location} to check against yet: run a plain "
            "`careerbot ingest` first (there is nothing readers could lose)."
        )
    generation = live.store.stamp
    answerer = extractive_answerer(live)
    before_bot = live if live.answerer is answerer else _with_answerer(live, answerer)
    questions = [i.question for i in gold] + list(logged)
    before = _ask(before_bot, questions, "Asking the live index", progress)
    hits_before = _hits(before_bot, gold)

    def copying(done: int, total: int) -> None:
        if progress:
            progress("Copying the live index", done, total)

    def embedding(done: int, total: int) -> None:
        if progress:
            progress("Writing changed sections (scratch copy)", done, total)

    with scratch_bot(live, answerer, copying) as scratch:
        report = scratch.ingest(path, urls=urls, sitemaps=sitemaps, progress=embedding)
        after = _ask(scratch, questions, "Asking the new content", progress)
        hits_after = _hits(scratch, gold)
    sources = ["gold"] * len(gold) + ["log"] * len(logged)
    changed = tuple(
        ChangedAnswer(q, s, b, a)
        for q, s, b, a in zip(questions, sources, before, after, strict=True)
        if b != a
    )
    n = len(gold)
    return GateReport(
        metrics=gold_metrics(gold, (hits_before, before[:n]), (hits_after, after[:n])),
        changed=changed,
        gold_questions=n,
        logged_questions=len(logged),
        max_drop=live.settings.check_max_drop if max_drop is None else max_drop,
        ingest=report,
        generation=generation,
        seconds=time.perf_counter() - started,
    )


def gold_metrics(
    gold: Sequence[GoldItem],
    before: tuple[Sequence[bool], Sequence[Outcome]],
    after: tuple[Sequence[bool], Sequence[Outcome]],
) -> tuple[MetricChange, ...]:
    """hit@3 (the expected section among the top 3), refusal accuracy (unanswerable questions
    refused) and the answered rate (answerable ones not refused), each before and after, from
    ``(hits, outcomes)`` per gold item."""
    answerable = [k for k, i in enumerate(gold) if i.answerable]
    unanswerable = [k for k, i in enumerate(gold) if not i.answerable]
    flags = {
        "hit@3": (answerable, lambda hits, outs, k: hits[k]),
        "refusal accuracy": (unanswerable, lambda hits, outs, k: outs[k].refused),
        "answered": (answerable, lambda hits, outs, k: not outs[k].refused),
    }
    metrics = []
    for name, (rows, counts) in flags.items():
        if not rows:
            continue
        was = [bool(counts(*before, k)) for k in rows]
        now = [bool(counts(*after, k)) for k in rows]
        metrics.append(
            MetricChange(
                name,
                sum(was) / len(rows),
                sum(now) / len(rows),
                len(rows),
                tuple(gold[k].question for k, w, x in zip(rows, was, now, strict=True) if w > x),
            )
        )
    return tuple(metrics)


def extractive_answerer(bot: CareerBot) -> Answerer:
    """``bot``'s answerer when it is extractive, else an extractive one of its settings."""
    if bot.answerer.name == "extractive":
        return bot.answerer
    from careerbot.answering.backends import choose_answerer

    settings = bot.settings.model_copy(update={"llm": "extractive"})
    return choose_answerer(settings, bot.embedder).answerer


def _with_answerer(bot: CareerBot, answerer: Answerer) -> CareerBot:
    from careerbot.bot import CareerBot

    return CareerBot(bot.settings, embedder=bot.embedder, answerer=answerer, build_if_missing=False)


def _ask(
    bot: CareerBot, questions: Sequence[str], step: str, progress: StepProgress | None
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for start in range(0, len(questions), ASK_BATCH):
        outcomes += [outcome(a) for a in bot.ask_many(questions[start : start + ASK_BATCH])]
        if progress:
            progress(step, len(outcomes), len(questions))
    return outcomes


def _hits(bot: CareerBot, gold: Sequence[GoldItem]) -> list[bool]:
    found = bot.retrieve_many([i.question for i in gold], k=HIT_DEPTH)
    return [
        i.answerable and rank_of(i, [(p.slug, p.section) for p in passages]) is not None
        for i, passages in zip(gold, found, strict=True)
    ]
