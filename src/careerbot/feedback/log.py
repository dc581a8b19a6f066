"""The question log and readers' feedback, in the shared database.

Every answer the app gives gets an ``answer_id``. With ``question_log`` on (the default) each
is stored at once with whether it was refused, its top section and similarity, latency and
backend; off, nothing is stored unless its reader rates it. A rating stores a copy of the
answer it rates (from the log, or from the answers this process gave lately), so feedback
outlives the log's retention choices and needs no join. No reader identity is kept beyond a
random per-browser id the chat makes.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Column, Table, delete, insert, inspect, select

from careerbot.errors import CareerbotError, UnknownAnswerError
from careerbot.settings import Settings
from careerbot.store.database import Database
from careerbot.store.tables import ANSWERS, FEEDBACK
from careerbot.types import Answer

log = logging.getLogger(__name__)

RECENT = 4096  # answers kept in memory for ratings when the log is off (or the database fails)
PRUNE_EVERY = 3600.0
MAX_COMMENT = 2000
DAY = 86400.0


@dataclass(frozen=True)
class LoggedAnswer:
    """One logged answer: what was asked, what came back, and how well retrieval matched."""

    id: str
    asked_at: float
    question: str
    understood: str
    answer: str
    citations: tuple[dict[str, Any], ...]
    refused: bool
    top_section: str | None
    top_similarity: float | None
    latency_ms: float
    backend: str
    generation: str
    channel: str

    def _repr_markdown_(self) -> str:
        verdict = "refused" if self.refused else f"{len(self.citations)} citations"
        return f"**{self.question}** ({verdict}, top: {self.top_section or '-'})"


@dataclass(frozen=True)
class Rating:
    """One reader's thumbs up or down on an answer, with a copy of that answer."""

    answer_id: str
    rated_at: float
    rating: Literal["up", "down"]
    comment: str
    question: str
    answer: str
    citations: tuple[dict[str, Any], ...]
    backend: str
    generation: str
    asked_at: float

    def _repr_markdown_(self) -> str:
        thumb = "👍" if self.rating == "up" else "👎"
        return f"{thumb} **{self.question}** {self.comment}".rstrip()


class AnswerLog:
    """Logs the answers of one collection (``generation`` tells the index generation now) and
    their ratings; migrates the database on first write. A log write that fails is logged and
    dropped: answering never fails for it."""

    def __init__(
        self,
        database: Database,
        collection: str,
        settings: Settings,
        *,
        generation: Callable[[], str] = lambda: "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.database = database
        self.generation = generation
        self.collection = collection
        self.settings = settings
        self.clock = clock
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._migrated = False
        self._pruned = -float("inf")

    def _ready(self) -> None:
        if not self._migrated:
            self.database.migrate()
            self._migrated = True

    def record(self, answer: Answer, *, latency_ms: float, channel: str) -> None:
        """Keep ``answer`` (in the log when ``question_log`` is on; in memory for ratings),
        with the index generation it was given under."""
        try:
            generation = self.generation()
        except CareerbotError:
            generation = ""
        top = max(answer.passages, key=lambda p: p.score, default=None)
        row: dict[str, Any] = {
            "id": answer.answer_id,
            "collection": self.collection,
            "asked_at": self.clock(),
            "question": answer.question or answer.query,
            "understood": answer.query or answer.question,
            "answer": answer.text,
            "citations": json.dumps(
                [
                    {"n": c.n, "title": c.title, "section": c.section, "url": c.url}
                    for c in answer.citations
                ]
            ),
            "refused": answer.refused,
            "top_section": top.label if top else None,
            "top_similarity": top.similarity if top else None,
            "latency_ms": round(latency_ms, 1),
            "backend": answer.backend,
            "generation": generation,
            "channel": channel,
        }
        with self._lock:
            self._recent[row["id"]] = row
            while len(self._recent) > RECENT:
                self._recent.popitem(last=False)
        if not self.settings.question_log:
            return
        try:
            self._ready()
            with self.database.errors(), self.database.engine.begin() as conn:
                conn.execute(insert(ANSWERS), row)
            self.prune_if_due()
        except CareerbotError as exc:
            log.warning("question log: %s", exc)

    def rate(
        self,
        answer_id: str,
        rating: Literal["up", "down"],
        comment: str = "",
        browser: str | None = None,
    ) -> Rating:
        """Store a rating of an answer given lately (replacing the same ``browser``'s earlier
        rating of it); raises :class:`~careerbot.errors.UnknownAnswerError` for an id this log
        does not know."""
        self._ready()
        with self._lock:
            row = self._recent.get(answer_id)
        if row is None:
            with self.database.errors(), self.database.engine.connect() as conn:
                found = (
                    conn.execute(
                        select(ANSWERS).where(
                            ANSWERS.c.id == answer_id, ANSWERS.c.collection == self.collection
                        )
                    )
                    .mappings()
                    .first()
                )
            row = dict(found) if found else None
        if row is None:
            raise UnknownAnswerError(
                f"No answer {answer_id!r} to rate: it is unknown or older than the log keeps. "
                "Rate an answer_id from a recent /api/ask response."
            )
        values = {
            "answer_id": answer_id,
            "collection": self.collection,
            "rated_at": self.clock(),
            "rating": rating,
            "comment": comment.strip()[:MAX_COMMENT],
            "browser": browser[:64] if browser else None,
            **{
                k: row[k]
                for k in ("asked_at", "question", "answer", "citations", "backend", "generation")
            },
        }
        with self.database.errors(), self.database.engine.begin() as conn:
            if browser:  # one rating per reader and answer: a second one (a comment) replaces it
                conn.execute(
                    delete(FEEDBACK).where(
                        FEEDBACK.c.answer_id == answer_id, FEEDBACK.c.browser == values["browser"]
                    )
                )
            conn.execute(insert(FEEDBACK), values)
        self.prune_if_due()
        return _rating(values)

    def prune_if_due(self) -> int:
        """:meth:`prune`, at most once an hour."""
        if self.clock() - self._pruned < PRUNE_EVERY:
            return 0
        return self.prune()

    def prune(self) -> int:
        """Delete logged answers and ratings older than ``retention_days``; rows deleted."""
        self._ready()
        cutoff = self.clock() - self.settings.retention_days * DAY
        with self.database.errors(), self.database.engine.begin() as conn:
            gone = conn.execute(delete(ANSWERS).where(ANSWERS.c.asked_at < cutoff)).rowcount
            gone += conn.execute(delete(FEEDBACK).where(FEEDBACK.c.rated_at < cutoff)).rowcount
        self._pruned = self.clock()
        return int(gone)

    def answers(self, since: float = 0.0) -> list[LoggedAnswer]:
        """Logged answers asked at ``since`` (epoch seconds) or later, oldest first."""
        return [
            LoggedAnswer(
                **{
                    **{k: v for k, v in row.items() if k != "collection"},
                    "citations": tuple(json.loads(row["citations"])),
                    "refused": bool(row["refused"]),
                }
            )
            for row in self._rows(ANSWERS, ANSWERS.c.asked_at, since)
        ]

    def ratings(self, since: float = 0.0) -> list[Rating]:
        """Ratings given at ``since`` or later, oldest first."""
        return [_rating(row) for row in self._rows(FEEDBACK, FEEDBACK.c.rated_at, since)]

    def _rows(self, table: Table, at: Column[Any], since: float) -> list[dict[str, Any]]:
        """This collection's rows of ``table`` from ``since`` on (none before the table is)."""
        if not self.database.readable():
            return []
        query = select(table).where(table.c.collection == self.collection, at >= since)
        with self.database.errors(), self.database.engine.connect() as conn:
            if not inspect(conn).has_table(table.name):
                return []
            return [dict(row) for row in conn.execute(query.order_by(at)).mappings()]


def _rating(row: dict[str, Any]) -> Rating:
    citations = row["citations"]
    return Rating(
        answer_id=row["answer_id"],
        rated_at=row["rated_at"],
        rating=row["rating"],
        comment=row["comment"],
        question=row["question"],
        answer=row["answer"],
        citations=tuple(json.loads(citations) if isinstance(citations, str) else citations),
        backend=row["backend"],
        generation=row["generation"],
        asked_at=row["asked_at"],
    )
