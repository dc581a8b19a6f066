"""The questions readers asked lately, from the question log: what ``ingest --check`` re-asks
besides the gold ones (:mod:`careerbot.evaluation.gate`)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence

from careerbot.errors import QuestionError
from careerbot.settings import Settings

DAY = 86400.0


def logged_questions(
    settings: Settings,
    collection: str,
    *,
    exclude: Sequence[str] = (),
    now: float | None = None,
) -> list[str]:
    """The distinct questions readers asked in the last ``check_log_days`` (from the question
    log), the most often asked first, then the latest, at most ``check_log_questions``;
    questions in ``exclude`` (the gold ones) and ones no longer askable are left out."""
    from careerbot.answering.question import clean_question
    from careerbot.feedback.log import AnswerLog
    from careerbot.store.database import Database

    since = (time.time() if now is None else now) - settings.check_log_days * DAY
    with Database(settings) as database:
        rows = AnswerLog(database, collection, settings).answers(since)
    skip = {q.strip().casefold() for q in exclude}
    counts: Counter[str] = Counter()
    latest: dict[str, tuple[float, str]] = {}
    for row in rows:
        try:
            question = clean_question(row.question, max_chars=settings.max_question_chars)
        except QuestionError:
            continue
        key = question.casefold()
        if key not in skip:
            counts[key] += 1
            latest[key] = (row.asked_at, question)
    ranked = sorted(counts, key=lambda k: (-counts[k], -latest[k][0]))
    return [latest[k][1] for k in ranked[: settings.check_log_questions]]
