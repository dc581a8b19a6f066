"""The default answerer: no LLM, just the articles' own sentences, each with its marker.

It picks the sentences of the top sections that are closest to the question (embedding
similarity, nudged by shared words), drops near-repeats, and lays them out section by section in
their original order, so the answer reads like the article and every sentence carries ``[n]``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from careerbot.answering.citations.checker import CitationChecker
from careerbot.settings import Settings
from careerbot.text import content_words, split_sentences
from careerbot.types import Answer, Passage

# Sections more than this far below the best one are not quoted.
SECTION_MARGIN = 0.15
# A sentence this similar to one already chosen is a repeat.
REPEAT_SIMILARITY = 0.9
# A sentence must reach this share of the best sentence's score to join the answer.
RELATIVE_FLOOR = 0.6


@dataclass(frozen=True)
class _Candidate:
    passage_rank: int
    position: int
    text: str
    score: float
    vector: np.ndarray


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
        chosen = self._choose(question, sources)

        # Markers number the passages as given; the checker renumbers them by first use, builds
        # the citations (with the best-supporting sentence as snippet) and verifies each sentence.
        ordered = sorted(chosen, key=lambda c: (c.passage_rank, c.position))
        lines = [f"{cand.text} [{cand.passage_rank + 1}]" for cand in ordered]
        return self.checker.check(
            _paragraphs(lines, ordered), passages, question=question, backend=self.name
        )

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[str | Answer]:
        """The answer sentence by sentence, then the Answer itself."""
        answer = self.answer(question, passages)
        for piece in answer.text.split(" "):
            yield piece + " "
        yield answer

    def _choose(self, question: str, sources: Sequence[Passage]) -> list[_Candidate]:
        # A sentence that only introduces a list ("Invest in skills that…:") says nothing alone.
        sentences = [
            (rank, pos, s)
            for rank, p in enumerate(sources)
            for pos, s in enumerate(split_sentences(p.text))
            if not s.rstrip().endswith(":")
        ]
        if not sentences:
            return []
        vectors = self._vectors([question] + [s for _, _, s in sentences])
        q_vec, s_vecs = vectors[0], vectors[1:]
        q_words = content_words(question)
        candidates = []
        for (rank, pos, text), vec in zip(sentences, s_vecs, strict=True):
            overlap = len(q_words & content_words(text)) / len(q_words) if q_words else 0.0
            score = float(q_vec @ vec) + 0.15 * overlap + 0.05 * sources[rank].score
            candidates.append(_Candidate(rank, pos, text, score, vec))
        candidates.sort(key=lambda c: c.score, reverse=True)
        top = candidates[0].score
        chosen: list[_Candidate] = []
        for cand in candidates:
            if len(chosen) >= self.max_sentences:
                break
            if chosen and cand.score < top * RELATIVE_FLOOR:
                break
            if any(float(cand.vector @ c.vector) > REPEAT_SIMILARITY for c in chosen):
                continue
            chosen.append(cand)
        return chosen

    def _vectors(self, texts: list[str]) -> np.ndarray:
        return self.checker.vectors.vectors(texts)


def _paragraphs(lines: list[str], ordered: list[_Candidate]) -> str:
    """One paragraph per section; list items stay on lines of their own."""
    out: list[str] = []
    previous_rank = None
    for cand, line in zip(ordered, lines, strict=True):
        if previous_rank is None:
            out.append(line)
        elif cand.passage_rank != previous_rank or line.startswith("- "):
            out.append("\n\n" + line if cand.passage_rank != previous_rank else "\n" + line)
        else:
            out.append(" " + line)
        previous_rank = cand.passage_rank
    return "".join(out)
