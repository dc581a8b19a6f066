"""The default answerer: no LLM, just the articles' own sentences, each with its marker.

It picks the sentences of the top sections that are closest to the question (embedding
similarity, nudged by shared words), drops near-repeats, and lays them out section by section in
their original order, so the answer reads like the article and every sentence carries ``[n]``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from careerbot.embeddings import Embedder
from careerbot.text import content_words, split_sentences
from careerbot.types import Answer, Citation, Passage

SNIPPET_CHARS = 240
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

    def __init__(
        self, embedder: Embedder, *, max_sentences: int = 4, max_sources: int = 3
    ) -> None:
        self.embedder = embedder
        self.max_sentences = max_sentences
        self.max_sources = max_sources
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def answer(self, question: str, passages: Sequence[Passage]) -> Answer:
        """An answer built from the passages' best sentences."""
        if not passages:
            raise ValueError("ExtractiveAnswerer needs at least one passage")
        best = passages[0].score
        sources = [p for p in passages[: self.max_sources] if p.score >= best - SECTION_MARGIN]
        chosen = self._choose(question, sources)

        numbers: dict[int, int] = {}
        lines: list[str] = []
        citations: list[Citation] = []
        for cand in sorted(chosen, key=lambda c: (c.passage_rank, c.position)):
            if cand.passage_rank not in numbers:
                numbers[cand.passage_rank] = len(numbers) + 1
                p = sources[cand.passage_rank]
                citations.append(
                    Citation(
                        n=numbers[cand.passage_rank],
                        title=p.title,
                        section=p.section,
                        url=p.url,
                        snippet=_snippet(cand.text),
                        updated=p.updated,
                    )
                )
            lines.append(f"{cand.text} [{numbers[cand.passage_rank]}]")
        return Answer(
            text=_paragraphs(lines, chosen),
            citations=tuple(citations),
            refused=False,
            backend=self.name,
            query=question,
            passages=tuple(passages),
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
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vec in zip(missing, self.embedder.encode(missing), strict=True):
                self._cache[text] = vec
            while len(self._cache) > 4096:
                self._cache.popitem(last=False)
        for t in texts:
            self._cache.move_to_end(t)
        return np.stack([self._cache[t] for t in texts])


def _snippet(text: str) -> str:
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _paragraphs(lines: list[str], chosen: list[_Candidate]) -> str:
    """One paragraph per section; list items stay on lines of their own."""
    ordered = sorted(chosen, key=lambda c: (c.passage_rank, c.position))
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
