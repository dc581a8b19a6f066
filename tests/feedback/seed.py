"""A seeded question log for the report's tests: real answers of the bot over the test corpus,
and planted content gaps (refused questions) spread over five days by a settable clock."""

from __future__ import annotations

import random
from dataclasses import dataclass

from careerbot.bot import CareerBot
from careerbot.feedback import AnswerLog
from careerbot.types import Answer, Passage

DAY = 86400.0
START = 1_800_000_000.0  # 2027-01-15 08:00 UTC

NURSING_PAY = [
    "How much do nurses make?",
    "what is the average RN salary",
    "nurse salary 2026",
    "How much does a registered nurse earn per year?",
    "how much do nurces get paid",
    "RN pay in California",
    "What's the starting pay for a new grad nurse?",
    "Do travel nurses earn more than staff nurses?",
    "nursing salary uk nhs band 5",
    "how much money do nurses earn an hour",
    "What is the hourly wage for an LPN?",
    "Is nursing well paid?",
    "nurse practitioner salary vs RN",
    "What do ICU nurses get paid?",
    "how much does a nurse make a month",
    "Are nurses paid well in Canada?",
    "salary of a staff nurse in a hospital",
    "what's the pay like for nursing jobs",
    "registerd nurse wages",
    "How much can I earn as a nurse with a BSN?",
]
"""Twenty ways to ask one thing no article covers (typos and jargon included)."""

VISAS = [
    "How do I get an H-1B visa?",
    "Can I work in the US on a student visa?",
    "work visa for Germany requirements",
    "how long does a UK skilled worker visa take",
    "h1b lottery odds 2026",
    "Can my employer sponsor my work visa?",
    "What documents do I need for a work visa application?",
    "Which countries give visas to software engineers easily?",
]
"""A second, smaller gap that must stay apart from the first."""

UNRELATED = [
    "What's the weather in Paris tomorrow?",
    "Best recipe for banana bread",
    "Who won the football world cup?",
    "How do I fix a leaking tap?",
    "Can you recommend a good novel?",
    "How to learn to play guitar",
    "<script>alert(1)</script>",
]
"""Refused one-offs on other topics (one of them hostile markup)."""

HOSTILE_COMMENT = "<img src=x onerror=alert(1)> wrong & <b>outdated</b>"


@dataclass(frozen=True)
class Seed:
    """What was logged: every answer with its latency, and the ratings given."""

    answers: tuple[tuple[Answer, float], ...]
    ups: int
    downs: int
    comments: tuple[str, ...]


class Clock:
    """A settable clock (epoch seconds)."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def refused(question: str) -> Answer:
    """A refusal, as the bot gives it, whose best section matched poorly."""
    weak = Passage(
        text="…", title="AI engineer salary", section="Pay", url="/x", score=0.1, similarity=0.12
    )
    return Answer(
        text="Sorry, the articles do not cover that.",
        refused=True,
        question=question,
        query=question,
        passages=(weak,),
    )


def real_answers(bot: CareerBot, questions: list[str]) -> list[Answer]:
    """The bot's answers to ``questions`` (asked once per test module)."""
    return [bot.ask(q) for q in questions]


def seed(log: AnswerLog, clock: Clock, answered: list[Answer], start: float = START) -> Seed:
    """Log ``answered`` (real answers) and the planted gaps over five days from ``start``, and
    rate some: the first answers up, every fourth down with a comment; the clock ends five
    days after ``start``."""
    planted = [refused(q) for q in NURSING_PAY + VISAS + UNRELATED]
    rows = [*answered, *planted]
    random.Random(18).shuffle(rows)  # gaps and answers mixed over the days
    logged: list[tuple[Answer, float]] = []
    for i, answer in enumerate(rows):
        clock.now = start + (i % 5) * DAY + i * 60
        latency = 40.0 + 10 * i
        log.record(answer, latency_ms=latency, channel="api" if i % 2 else "chat")
        logged.append((answer, latency))
    ups = downs = 0
    comments: list[str] = []
    for i, answer in enumerate(a for a in answered if not a.refused):
        clock.now = start + (i % 5) * DAY + 3600
        if i % 4 == 3:
            comment = HOSTILE_COMMENT if downs == 0 else f"Missing detail {downs}"
            log.rate(answer.answer_id, "down", comment)
            comments.append(comment)
            downs += 1
        elif i < 9:
            log.rate(answer.answer_id, "up")
            ups += 1
    clock.now = start + 5 * DAY
    return Seed(tuple(logged), ups, downs, tuple(comments))


def gold_sample(section_questions: list[dict[str, str]]) -> list[str]:
    """Every fifth gold question: answerable ones, on the articles' topics."""
    return [q["question"] for q in section_questions[::5]]
