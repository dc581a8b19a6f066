"""The default answerer: no LLM, just the articles' own sentences, each with its marker.

It picks the sentences of the top sections that are closest to the question (embedding
similarity, nudged by shared words and by what the question asks for: a figure, a directive,
steps), drops near-repeats and introduction hooks, and keeps every quote standing: a sentence
that leans on the one before brings it, a list item brings its lead-in
(:mod:`careerbot.answering.sentences`). A question of several parts gets a sentence for each.
The best sentence leads; the rest follow section by section in their original order, each with
its ``[n]``. A figure the question states that the sources contradict is corrected explicitly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from careerbot.answering.citations.checker import CitationChecker
from careerbot.answering.sentences import (
    Unit,
    about_article,
    has_figure,
    question_parts,
    stated_figures,
    type_bonus,
    units,
)
from careerbot.settings import Settings
from careerbot.text import content_words
from careerbot.types import Answer, Passage

# Sections more than this far below the best one are not quoted.
SECTION_MARGIN = 0.15
# A sentence this similar to one already chosen is a repeat.
REPEAT_SIMILARITY = 0.9
# A sentence must reach this share of the best sentence's score to join the answer.
RELATIVE_FLOOR = 0.6


# Introduction hooks ("'AI engineer' is one of the most searched titles…") rarely answer.
INTRO_PENALTY = 0.2
# Sentences of the best section are preferred a little: an answer should not be all filler.
TOP_SECTION_BONUS = 0.05
LEAD_IN_WORDS = 12
"""A lead-in this short is shown without a marker (the checker takes it for a connective)."""
CORRECTION = "Not quite — the articles give a different figure:"


@dataclass(frozen=True, eq=False)
class Candidate:
    """A quotable unit of a section, scored against the question."""

    rank: int
    """The passage's index among those given."""
    unit: Unit
    score: float
    vector: np.ndarray

    @property
    def cost(self) -> int:
        """Sentences it adds to the answer (lead-ins are free)."""
        return 1 + sum(1 for n in self.unit.needs if n != self.unit.lead_in)


class ExtractiveAnswerer:
    """Composes answers from the retrieved sections' sentences."""

    name = "extractive"

    def __init__(self, checker: CitationChecker, settings: Settings) -> None:
        self.checker = checker
        self.max_sentences = settings.answer_max_sentences
        self.max_sources = settings.answer_max_sources

    def answer(self, question: str, passages: Sequence[Passage]) -> Answer:
        """An answer built from the passages' best sentences."""
        if not passages:
            raise ValueError("ExtractiveAnswerer needs at least one passage")
        best = passages[0].score
        sources = [p for p in passages[: self.max_sources] if p.score >= best - SECTION_MARGIN]
        wrong = stated_figures(question, [p.text for p in sources])
        chosen, texts = self._choose(question, sources, figures_wanted=bool(wrong))
        text = _render(chosen, texts)
        if wrong and any(has_figure(c.unit.text) for c in chosen):
            text = f"{CORRECTION}\n\n{text}"
        # Markers number the passages as given; the checker renumbers them by first use, builds
        # the citations (with the best-supporting sentence as snippet) and verifies each sentence.
        return self.checker.check(text, passages, question=question, backend=self.name)

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[str | Answer]:
        """The answer word by word, then the Answer itself."""
        answer = self.answer(question, passages)
        for piece in answer.text.split(" "):
            yield piece + " "
        yield answer

    def _candidates(
        self, question: str, sources: Sequence[Passage], *, figures_wanted: bool
    ) -> tuple[list[Candidate], dict[tuple[int, int], str], np.ndarray]:
        texts: dict[tuple[int, int], str] = {}
        found: list[tuple[int, Unit]] = []
        for rank, p in enumerate(sources):
            sentences, section_units = units(p.text)
            texts.update(((rank, i), s) for i, s in enumerate(sentences))
            found += [(rank, u) for u in section_units]
        parts = question_parts(question)
        vectors = self._vectors([question, *parts, *(u.text for _, u in found)])
        q_vec, part_vecs, u_vecs = (
            vectors[0],
            vectors[1 : 1 + len(parts)],
            vectors[1 + len(parts) :],
        )
        q_words = content_words(question)
        typed = f"how much {question}" if figures_wanted else question
        intro_ok = about_article(question)
        out = []
        for (rank, unit), vec in zip(found, u_vecs, strict=True):
            overlap = len(q_words & content_words(unit.text)) / len(q_words) if q_words else 0.0
            score = float(q_vec @ vec) + 0.15 * overlap + 0.05 * sources[rank].score
            score += type_bonus(typed, unit.text) + (TOP_SECTION_BONUS if rank == 0 else 0.0)
            if sources[rank].section == "Introduction" and not intro_ok:
                score -= INTRO_PENALTY
            out.append(Candidate(rank, unit, score, vec))
        return out, texts, part_vecs if len(parts) > 1 else np.zeros((0, q_vec.shape[0]))

    def _choose(
        self, question: str, sources: Sequence[Passage], *, figures_wanted: bool = False
    ) -> tuple[list[Candidate], dict[tuple[int, int], str]]:
        """The units to quote, best first, and every sentence by ``(rank, position)``."""
        candidates, texts, part_vecs = self._candidates(
            question, sources, figures_wanted=figures_wanted
        )
        if not candidates:
            return [], texts
        ranked = sorted(candidates, key=lambda c: c.score, reverse=True)
        top = ranked[0].score
        # A question of several parts seeds the answer with the best unit for each part.
        seeds = [_best_for(candidates, v) for v in part_vecs]
        chosen: list[Candidate] = []
        used = 0
        for cand in [*seeds, *ranked]:
            if cand in chosen or used + cand.cost > self.max_sentences:
                continue
            if chosen and cand not in seeds and cand.score < top * RELATIVE_FLOOR:
                break
            if any(float(cand.vector @ c.vector) > REPEAT_SIMILARITY for c in chosen):
                continue
            chosen.append(cand)
            used += cand.cost
        return chosen, texts

    def _vectors(self, texts: list[str]) -> np.ndarray:
        return self.checker.vectors.vectors(texts)


def _best_for(candidates: Sequence[Candidate], part: np.ndarray) -> Candidate:
    """The candidate that best answers one part of the question."""
    return max(candidates, key=lambda c: float(c.vector @ part) + c.score)


def _render(chosen: Sequence[Candidate], texts: dict[tuple[int, int], str]) -> str:
    """The best unit first, then the rest section by section in their original order; one
    paragraph per section, list items on lines of their own."""
    if not chosen:
        return ""
    first, rest = chosen[0], sorted(chosen[1:], key=lambda c: (c.rank, c.unit.position))
    shown: set[tuple[int, int]] = set()
    blocks: list[tuple[int, list[str]]] = []
    for cand in [first, *rest]:
        lines = []
        for pos in [*cand.unit.needs, cand.unit.position]:
            if (cand.rank, pos) in shown:
                continue
            shown.add((cand.rank, pos))
            sentence = texts[(cand.rank, pos)]
            short_lead = sentence.endswith(":") and len(sentence.split()) <= LEAD_IN_WORDS
            lines.append(sentence if short_lead else f"{sentence} [{cand.rank + 1}]")
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
