"""Scoring the reader sets (:mod:`careerbot.evaluation.reader_sets`) through a CareerBot.

A fact (``must_mention``, ``correction``) is a list of alternatives; it is mentioned when one of
them occurs in the answer text (case-insensitive, markers and emphasis removed, white space
collapsed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from careerbot.evaluation.reader_sets import ReaderSets, Turn, facts_of
from careerbot.text import MARKER_BODY

if TYPE_CHECKING:
    from careerbot.bot import CareerBot
    from careerbot.types import Answer

HIT_DEPTH = 3
_CORRECTION = re.compile(
    r"\b(?:actually|in fact|not quite|isn't right|is not right|not correct|incorrect|"
    r"that's not|that is not|rather than|contrary)\b",
    re.IGNORECASE,
)


def normalise(text: str) -> str:
    """Answer text as facts are matched against it."""
    text = re.sub(MARKER_BODY, " ", text)
    text = re.sub(r"[*_`]", "", text)
    return " ".join(text.lower().split())


def mentioned(answer_text: str, facts: Sequence[Sequence[str]]) -> int:
    """How many of ``facts`` the text mentions."""
    text = normalise(answer_text)
    return sum(any(normalise(alt) in text for alt in alts) for alts in facts)


def hit(answer: Answer, expect: Sequence[tuple[str, str]], depth: int = HIT_DEPTH) -> bool:
    """Whether an expected section is among the first ``depth`` sections retrieved."""
    found = [(p.slug, p.section) for p in answer.passages[:depth]]
    return any(e in found for e in expect)


@dataclass
class Case:
    """One asked question and how it went, for the report's worst cases."""

    kind: str
    id: str
    question: str
    understood: str
    refused: bool
    ok: bool
    detail: str
    answer: str


@dataclass
class ReaderReport:
    """Reader-facing quality on one split."""

    split: str
    first_hits: list[bool] = field(default_factory=list)
    follow_hits: list[bool] = field(default_factory=list)
    first_facts: list[tuple[int, int]] = field(default_factory=list)
    follow_facts: list[tuple[int, int]] = field(default_factory=list)
    answerable_refused: int = 0
    answerable: int = 0
    out_of_scope: int = 0
    out_of_scope_refused: int = 0
    premises: int = 0
    premises_corrected: int = 0
    premises_explicit: int = 0
    cases: list[Case] = field(default_factory=list)

    def figures(self) -> dict[str, float | int | str]:
        """The headline figures (rates in 0..1)."""

        def rate(xs: Sequence[bool]) -> float:
            return sum(xs) / len(xs) if xs else 0.0

        def facts(pairs: Sequence[tuple[int, int]]) -> float:
            total = sum(t for _, t in pairs)
            return sum(m for m, _ in pairs) / total if total else 0.0

        refused = self.out_of_scope_refused + self.answerable_refused
        return {
            "split": self.split,
            "first_turn_hit_at_3": round(rate(self.first_hits), 3),
            "follow_up_hit_at_3": round(rate(self.follow_hits), 3),
            "must_mention_first": round(facts(self.first_facts), 3),
            "must_mention_follow_up": round(facts(self.follow_facts), 3),
            "refusal_recall": round(self.out_of_scope_refused / (self.out_of_scope or 1), 3),
            "refusal_precision": round(self.out_of_scope_refused / refused, 3) if refused else 1.0,
            "answerable_refused": self.answerable_refused,
            "answerable_refused_rate": round(self.answerable_refused / (self.answerable or 1), 3),
            "answerable_turns": self.answerable,
            "out_of_scope": self.out_of_scope,
            "false_premises": self.premises,
            "false_premises_corrected": self.premises_corrected,
            "false_premises_explicit": self.premises_explicit,
        }

    def worst(self, n: int = 10) -> list[Case]:
        """The failed cases, out-of-scope answers and refused answerable turns first."""
        order = {"out_of_scope": 0, "refused": 1, "miss": 2, "facts": 3, "premise": 4}
        failed = [c for c in self.cases if not c.ok]
        return sorted(failed, key=lambda c: order.get(c.kind, 9))[:n]


def _history(turns: Sequence[tuple[str, Answer]]) -> list[dict[str, str]]:
    out = []
    for user, answer in turns:
        out += [{"role": "user", "content": user}, {"role": "assistant", "content": answer.text}]
    return out


def evaluate_readers(bot: CareerBot, sets: ReaderSets, split: str = "test") -> ReaderReport:
    """Ask every question of one split through ``bot.ask`` and score the answers."""
    sets = sets.split(split)
    report = ReaderReport(split)
    for conv in sets.conversations:
        asked: list[tuple[str, Answer]] = []
        for n, turn in enumerate(conv.turns):
            answer = bot.ask(turn.user, history=_history(asked))
            asked.append((turn.user, answer))
            _score_turn(report, conv.id, n, turn, answer)
    for row in sets.out_of_scope:
        answer = bot.ask(row["question"])
        _score_refusal(report, row["id"], row["question"], answer)
    for row in sets.false_premise:
        answer = bot.ask(row["question"])
        correction = facts_of(row["correction"])
        found = mentioned(answer.text, correction) == len(correction) and not answer.refused
        explicit = found and bool(_CORRECTION.search(answer.text))
        report.premises += 1
        report.premises_corrected += found
        report.premises_explicit += explicit
        report.answerable += 1
        report.answerable_refused += answer.refused
        report.cases.append(
            Case(
                "premise",
                row["id"],
                row["question"],
                answer.question,
                answer.refused,
                found,
                f"correction {correction}",
                answer.text,
            )
        )
    return report


def _score_refusal(report: ReaderReport, id_: str, question: str, answer: Answer) -> None:
    report.out_of_scope += 1
    report.out_of_scope_refused += answer.refused
    top = answer.passages[0].section if answer.passages else "-"
    report.cases.append(
        Case(
            "out_of_scope",
            id_,
            question,
            answer.question,
            answer.refused,
            answer.refused,
            f"should be refused (top: {top})",
            answer.text,
        )
    )


def _score_turn(report: ReaderReport, cid: str, n: int, turn: Turn, answer: Answer) -> None:
    id_ = f"{cid}#{n + 1}"
    if turn.refuse:
        _score_refusal(report, id_, turn.user, answer)
        return
    report.answerable += 1
    report.answerable_refused += answer.refused
    got = hit(answer, turn.expect)
    facts = (
        0 if answer.refused else mentioned(answer.text, turn.must_mention),
        len(turn.must_mention),
    )
    (report.first_hits if n == 0 else report.follow_hits).append(got)
    (report.first_facts if n == 0 else report.follow_facts).append(facts)
    top = [p.section for p in answer.passages[:HIT_DEPTH]]
    if answer.refused:
        kind, ok, detail = "refused", False, f"answerable, refused (top: {top})"
    elif not got:
        kind, ok, detail = "miss", False, f"expected {list(turn.expect)}, got {top}"
    else:
        kind, ok = "facts", facts[0] == facts[1]
        detail = f"mentions {facts[0]}/{facts[1]}: {list(turn.must_mention)}"
    report.cases.append(
        Case(kind, id_, turn.user, answer.question, answer.refused, ok, detail, answer.text)
    )
