"""The editors' report: what readers asked, how it went, and what the articles miss.

:func:`build_report` reads the question log and the ratings of a period and makes a frozen
:class:`Report` (``careerbot report`` prints it, ``/admin`` shows it; :mod:`.charts` draws it,
:mod:`.page` and :mod:`.terminal` lay it out). Days are UTC days.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from careerbot.feedback.gaps import GapCluster, content_gaps, is_gap
from careerbot.feedback.log import DAY, AnswerLog, LoggedAnswer, Rating
from careerbot.types import SEP

if TYPE_CHECKING:
    from careerbot.embedding.embedder import Embedder
    from careerbot.store.chroma import ChunkStore

UNITS = {"h": 3600.0, "d": DAY, "w": 7 * DAY}


class Rates:
    """Refusal and satisfaction rates of a count of questions and ratings."""

    questions: int
    refused: int
    rated: int
    up: int

    @property
    def refusal_rate(self) -> float | None:
        """Share of the questions refused (None without questions)."""
        return self.refused / self.questions if self.questions else None

    @property
    def satisfaction_rate(self) -> float | None:
        """Thumbs up out of all ratings (None without ratings)."""
        return self.up / self.rated if self.rated else None


@dataclass(frozen=True)
class DayStats(Rates):
    """One UTC day of questions and ratings."""

    day: str
    """``YYYY-MM-DD``."""
    questions: int
    refused: int
    rated: int
    up: int
    latency_p50_ms: float | None
    latency_p95_ms: float | None


@dataclass(frozen=True)
class Disliked:
    """A thumbs-down, with what the answer cited and what its reader said."""

    question: str
    answer: str
    comment: str
    sections: tuple[str, ...]
    """The cited sections, ``Title › Section``."""
    rated_at: float
    backend: str
    generation: str


@dataclass(frozen=True)
class SectionCount:
    """A section and how many answers cited it."""

    section: str
    count: int


@dataclass(frozen=True)
class Report(Rates):
    """Questions, refusals, satisfaction, latency, content gaps, disliked answers and citations
    of the period from ``since`` to ``until`` (epoch seconds)."""

    since: float
    until: float
    questions: int
    refused: int
    rated: int
    up: int
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    days: tuple[DayStats, ...]
    gap_questions: int
    """Questions refused or answered below ``confident_relevance``."""
    gaps: tuple[GapCluster, ...]
    disliked: tuple[Disliked, ...]
    """Newest first."""
    most_cited: tuple[SectionCount, ...]
    """Every cited section, most cited first."""
    never_cited: tuple[str, ...]
    """Stored sections no answer of the period cited, sorted."""
    sections: int
    """Sections stored in the index."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``careerbot report --json`` (rates included)."""
        data = asdict(self)
        data["refusal_rate"] = self.refusal_rate
        data["satisfaction_rate"] = self.satisfaction_rate
        for day, stats in zip(data["days"], self.days, strict=True):
            day["refusal_rate"] = stats.refusal_rate
            day["satisfaction_rate"] = stats.satisfaction_rate
        return data


def parse_since(text: str, now: float | None = None) -> float:
    """The start of the period ``text`` names, in epoch seconds: ``7d``, ``24h``, ``2w``, a
    date (``2026-01-31``, UTC), or ``all``. Raises ValueError for anything else."""
    now = time.time() if now is None else now
    text = text.strip().lower()
    if text == "all":
        return 0.0
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([hdw])", text)
    if match:
        return now - float(match[1]) * UNITS[match[2]]
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{text!r} is no period: use e.g. 7d, 24h, 2w, a date (2026-01-31) or all"
        ) from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def stored_sections(store: ChunkStore) -> list[str]:
    """Every section the index holds, as ``Title › Section`` (a scan of its metadata)."""
    found = {f"{m.get('title', '')}{SEP}{m.get('section', '')}" for m in store.stored().values()}
    return sorted(found)


def build_report(
    log: AnswerLog,
    embedder: Embedder,
    sections: Iterable[str],
    *,
    since: float,
    confident_relevance: float,
    now: float | None = None,
) -> Report:
    """The report of what ``log`` holds from ``since`` on; ``sections`` are all stored ones
    (:func:`stored_sections`)."""
    until = log.clock() if now is None else now
    answers = [a for a in log.answers(since) if a.asked_at <= until]
    ratings = [r for r in log.ratings(since) if r.rated_at <= until]
    cited = Counter(
        label for a in answers if not a.refused for label in dict.fromkeys(_labels(a.citations))
    )
    up = sum(r.rating == "up" for r in ratings)
    latencies = [a.latency_ms for a in answers]
    return Report(
        since=since,
        until=until,
        questions=len(answers),
        refused=sum(a.refused for a in answers),
        rated=len(ratings),
        up=up,
        latency_p50_ms=_percentile(latencies, 50),
        latency_p95_ms=_percentile(latencies, 95),
        days=_days(answers, ratings, since, until),
        gap_questions=sum(is_gap(a, confident_relevance) for a in answers),
        gaps=content_gaps(answers, embedder, confident_relevance=confident_relevance),
        disliked=tuple(
            Disliked(
                question=r.question,
                answer=r.answer,
                comment=r.comment,
                sections=tuple(_labels(r.citations)),
                rated_at=r.rated_at,
                backend=r.backend,
                generation=r.generation,
            )
            for r in reversed(ratings)
            if r.rating == "down"
        ),
        most_cited=tuple(SectionCount(s, n) for s, n in sorted(cited.items(), key=_by_count)),
        never_cited=tuple(sorted(set(sections) - set(cited))),
        sections=len(set(sections)),
    )


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def _labels(citations: Iterable[dict[str, Any]]) -> list[str]:
    return [f"{c.get('title', '')}{SEP}{c.get('section', '')}" for c in citations]


def _percentile(values: Sequence[float], q: float) -> float | None:
    import numpy as np

    return round(float(np.percentile(values, q)), 1) if values else None


def _day(epoch: float) -> date:
    return datetime.fromtimestamp(epoch, UTC).date()


def _days(
    answers: Sequence[LoggedAnswer], ratings: Sequence[Rating], since: float, until: float
) -> tuple[DayStats, ...]:
    """Every day of the period (from the first row's day when it has no start), quiet days
    included so the charts' time axis is true."""
    times = [a.asked_at for a in answers] + [r.rated_at for r in ratings]
    if not times:
        return ()
    day, last = _day(max(since, min(times))), _day(until)
    by_day: dict[date, list[LoggedAnswer]] = {}
    for a in answers:
        by_day.setdefault(_day(a.asked_at), []).append(a)
    rated: dict[date, list[Rating]] = {}
    for r in ratings:
        rated.setdefault(_day(r.rated_at), []).append(r)
    out = []
    while day <= last:
        asked = by_day.get(day, [])
        votes = rated.get(day, [])
        latencies = [a.latency_ms for a in asked]
        out.append(
            DayStats(
                day=day.isoformat(),
                questions=len(asked),
                refused=sum(a.refused for a in asked),
                rated=len(votes),
                up=sum(r.rating == "up" for r in votes),
                latency_p50_ms=_percentile(latencies, 50),
                latency_p95_ms=_percentile(latencies, 95),
            )
        )
        day += timedelta(days=1)
    return tuple(out)
