"""Quotable units scored against a question, and how the chosen ones are laid out.

:class:`Candidate` is a unit of a section (:class:`~careerbot.answering.sentences.Unit`) with
its score and vector; :func:`render` writes the chosen ones as the answer's text: the best
first, then the rest of its section, then the other sections in their original order, one
paragraph per section, list items on lines of their own, each quote with its ``[n]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from careerbot.answering.sentences import Unit

# How far a list item is raised toward its list's best item: a list answers as a whole.
LIST_COHESION = 0.5
# What a list item counts toward ``answer_max_sentences``.
LIST_ITEM_COST = 0.5
LEAD_IN_WORDS = 12
"""A lead-in this short is shown without a marker (the checker takes it for a connective)."""


@dataclass(frozen=True, eq=False)
class Candidate:
    """A quotable unit of a section, scored against the question."""

    rank: int
    """The passage's index among those given."""
    unit: Unit
    score: float
    vector: np.ndarray
    asked: float = 0.0
    """The part of ``score`` that is the unit's similarity to the question."""

    @property
    def cost(self) -> float:
        """Sentences it adds to the answer: lead-ins are free, a list item counts
        ``LIST_ITEM_COST`` whatever its length (a list is read at a glance)."""
        unit = self.unit
        own = LIST_ITEM_COST if unit.list_id is not None else 1.0 + len(unit.follows)
        return own + sum(1 for n in self.unit.needs if n != self.unit.lead_in)


def list_cohesion(found: Sequence[tuple[int, Unit]], scores: Sequence[float]) -> list[float]:
    """Scores with each list item raised part of the way to its list's best item: a list
    answers as a whole ("who hires…" → the four kinds of employer, not one of them)."""
    best: dict[tuple[int, int], float] = {}
    for (rank, unit), score in zip(found, scores, strict=True):
        if unit.list_id is not None:
            key = (rank, unit.list_id)
            best[key] = max(best.get(key, score), score)
    out = []
    for (rank, unit), score in zip(found, scores, strict=True):
        if unit.list_id is not None:
            score += LIST_COHESION * (best[(rank, unit.list_id)] - score)
        out.append(score)
    return out


def best_for(candidates: Sequence[Candidate], part: np.ndarray) -> Candidate:
    """The candidate that best answers one part of the question: scored as if the part were
    the question (its similarity to the part instead of to the whole question), so each part
    gets its own unit rather than the whole question's best one again."""
    return max(candidates, key=lambda c: c.score - c.asked + float(c.vector @ part))


def render(chosen: Sequence[Candidate], texts: dict[tuple[int, int], str]) -> str:
    """The best unit first, then the rest section by section in their original order; one
    paragraph per section, list items on lines of their own."""
    if not chosen:
        return ""
    first = chosen[0]  # the lead, then the rest of its section, then the other sections
    rest = sorted(chosen[1:], key=lambda c: (c.rank != first.rank, c.rank, c.unit.position))
    order = [first, *rest]
    if first.unit.list_id is not None:  # a list keeps its order ("strongest signal first")
        order.sort(key=lambda c: (c.rank != first.rank, c.rank, c.unit.position))
    shown: set[tuple[int, int]] = set()
    blocks: list[tuple[int, list[str]]] = []
    for cand in order:
        lines: list[str] = []
        if any((cand.rank, pos) in shown for pos in cand.unit.follows):
            continue  # an opener ("Both pay well.") whose sentence is quoted already
        for pos in [*cand.unit.needs, cand.unit.position, *cand.unit.follows]:
            if (cand.rank, pos) in shown:
                continue
            shown.add((cand.rank, pos))
            sentence = texts[(cand.rank, pos)]
            short_lead = sentence.endswith(":") and len(sentence.split()) <= LEAD_IN_WORDS
            quoted = sentence if short_lead else f"{sentence} [{cand.rank + 1}]"
            if pos in cand.unit.follows and lines:  # what follows stays on its line
                lines[-1] += f" {quoted}"
            else:
                lines.append(quoted)
        if blocks and blocks[-1][0] == cand.rank:
            blocks[-1][1].extend(lines)
        else:
            blocks.append((cand.rank, lines))
    return "\n\n".join(_join(lines) for _, lines in blocks if lines)


def _join(lines: Sequence[str]) -> str:
    """Sentences of one section: prose runs on, list items and their lead-in stand on lines."""
    out = ""
    for line in lines:
        if not out:
            out = line
        elif line.startswith("- ") or out.endswith(":") or out.split("\n")[-1].startswith("- "):
            out += "\n" + line
        else:
            out += " " + line
    return out
