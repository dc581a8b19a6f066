"""The default answerer: no LLM, just the articles' own sentences, each with its marker.

It picks the sentences of the top sections that are closest to the question (embedding
similarity, for a list item the better of its own and that of the item read under its heading;
nudged by shared words, by how well the section's heading fits and by what the question asks
for: a figure, a directive, steps), drops near-repeats, questions and hooks, and
keeps every quote standing: a sentence that leans on the one before brings it, a list item
comes whole with its lead-in, a too-short opener brings the next sentence
(:mod:`careerbot.answering.sentences`). A list's items are scored together and count half, so
a list can answer as a whole; a question asking where to start gets a list announced as an
order whole, from its first item (:mod:`careerbot.answering.ordered`). A question of several
parts ("X vs Y", "the pay, and which skills?"; not the reader's situation around it) gets the
unit that best answers each part as if it were the question. The best sentence leads, then the rest of its section, then the other
sections, in their original order, each with its ``[n]`` (:mod:`careerbot.answering.quotes`). A figure the question states that the sources
contradict is corrected explicitly. A follow-up ("who usually pays for it?") is scored against
its own words, and its sentences' articles against the conversation's topic (``context``):
after a question about exam fees, the certification article's "Many employers pay for exams"
leads, not the career comparison's "Both pay well."
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from careerbot.answering.citations.checker import CitationChecker
from careerbot.answering.ordered import ordered_lists
from careerbot.answering.quotes import Candidate, best_for, list_cohesion, render
from careerbot.answering.sentences import (
    Unit,
    about_article,
    has_figure,
    is_hook,
    points_elsewhere,
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
# The best section's other sentences need less: the answer is most often there, and a reader
# asking "how do I compare two offers?" needs the section's second point too ("ask the
# recruiter for the pay band"), not just its first.
TOP_SECTION_FLOOR = 0.4


# Hooks ("'AI engineer' is one of the most searched titles…", "This guide covers…") rarely
# answer; an introduction's other sentences summarise, and are preferred a little less.
INTRO_PENALTY = 0.4
INTRO_REST_PENALTY = 0.05
# An introduction summarises its whole article, so it ranks first for many questions one of
# its sections answers ("ml engineer vs data scientist, what's the diff day to day?" found the
# introduction's "different daily work" above "What each role actually does"). Where the
# answer leads from, and how far behind the other sections stand, it counts this much less
# (dev first-turn must-mention: 0.06 best of 0.03-0.15). Retrieval's order is left as it is:
# an introduction is the right section for a verdict ("do cloud certs still help?").
INTRO_DEMOTION = 0.06
# Sentences of the best section are preferred a little: an answer should not be all filler.
TOP_SECTION_BONUS = 0.05
# A question asked on its own: the further a section ranks below the best one, the more its
# sentences must beat the best section's to lead ("same title, why do offers differ?" led
# with "The title also means different things…" from a section 0.08 behind "What moves an
# individual offer"). Not for a follow-up: its sections were ranked with the conversation's
# context, and its own words pick among them (dev follow-ups fell with it).
SECTION_GAP_WEIGHT = 2.0
# Weight of the question's similarity to a sentence's section heading (a heading says what
# its sentences are about better than a short sentence's own vector does).
HEADING_WEIGHT = 0.2
# Weight of a follow-up's context (the conversation's topic) in how well a sentence's article
# fits, as in retrieval. The topic picks the article; the follow-up's own words pick the
# section and the sentence: pulled toward the topic too, sentences restating it ("see our
# salary guide") and sections named after it beat the answer ("do those lapse?" → renewals).
CONTEXT_WEIGHT = 0.5
CORRECTION = "Not quite — the articles give a different figure:"


def under_heading(unit: Unit, section: str) -> str:
    """A list item read under its section's heading ("Entry-level tasks most exposed to AI:
    Routine unit tests and format conversions."), or ``""`` for prose. An item is a fragment:
    alone it is close to little a reader asks, so it is scored by the better of its own
    similarity and this text's, as retrieval scores a chunk by the better of its own and its
    heading's ("which parts of a junior job are AI tools taking over?" led with prose from
    other sections)."""
    return f"{section}: {unit.text[2:]}" if unit.list_id is not None else ""


def section_standing(sources: Sequence[Passage], *, demote: bool) -> list[float]:
    """Each source's retrieval score as the answer weighs it: an introduction's less
    :data:`INTRO_DEMOTION` when ``demote`` (a question asked on its own, not about an article)."""
    return [
        p.score - (INTRO_DEMOTION if demote and p.section == "Introduction" else 0.0)
        for p in sources
    ]


def overlaps(a: Candidate, b: Candidate) -> bool:
    """Whether two candidates quote a sentence in common (an opener quoted with the sentence
    after it, and that sentence on its own)."""
    own = {a.unit.position, *a.unit.follows}
    return a.rank == b.rank and bool(own & {b.unit.position, *b.unit.follows})


class ExtractiveAnswerer:
    """Composes answers from the retrieved sections' sentences."""

    name = "extractive"

    def __init__(self, checker: CitationChecker, settings: Settings) -> None:
        self.checker = checker
        self.max_sentences = settings.answer_max_sentences
        self.max_sources = settings.answer_max_sources

    def answer(self, question: str, passages: Sequence[Passage], *, context: str = "") -> Answer:
        """An answer built from the passages' best sentences; ``context`` (what a follow-up
        leans on) says which article the question is about, the question itself which
        sentences answer it."""
        if not passages:
            raise ValueError("ExtractiveAnswerer needs at least one passage")
        best = passages[0].score
        sources = [p for p in passages[: self.max_sources] if p.score >= best - SECTION_MARGIN]
        wrong = stated_figures(question, [p.text for p in sources])
        chosen, texts = self._choose(question, sources, figures_wanted=bool(wrong), context=context)
        text = render(chosen, texts)
        if wrong and any(has_figure(c.unit.text) for c in chosen):
            text = f"{CORRECTION}\n\n{text}"
        # Markers number the passages as given; the checker renumbers them by first use, builds
        # the citations (with the best-supporting sentence as snippet) and verifies each sentence.
        return self.checker.check(text, passages, question=question, backend=self.name)

    def stream(
        self, question: str, passages: Sequence[Passage], *, context: str = ""
    ) -> Iterator[str | Answer]:
        """The answer word by word, then the Answer itself."""
        answer = self.answer(question, passages, context=context)
        for piece in answer.text.split(" "):
            yield piece + " "
        yield answer

    def texts_to_embed(self, passage: Passage) -> list[str]:
        """What answering from ``passage`` embeds besides the question (to warm the vector
        cache with): its heading, its article's title, its units and the checker's texts."""
        found = units(passage.text)[1]
        quoted = [u.text for u in found] + [under_heading(u, passage.section) for u in found]
        return [
            passage.section,
            passage.title,
            *filter(None, quoted),
            *self.checker.texts_to_embed(passage),
        ]

    def _candidates(
        self, question: str, sources: Sequence[Passage], *, figures_wanted: bool, context: str
    ) -> tuple[list[Candidate], dict[tuple[int, int], str], np.ndarray, int]:
        texts: dict[tuple[int, int], str] = {}
        found: list[tuple[int, Unit]] = []
        for rank, p in enumerate(sources):
            sentences, section_units = units(p.text)
            texts.update(((rank, i), s) for i, s in enumerate(sentences))
            found += [(rank, u) for u in section_units]
        # A question the article asks itself ("…do they still pay off?") is never the answer.
        found = [f for f in found if not f[1].text.endswith("?")] or found
        parts = question_parts(question)
        headings = [p.section for p in sources]
        intros = {r for r, p in enumerate(sources) if p.section == "Introduction"}
        items = [(i, under_heading(u, sources[r].section)) for i, (r, u) in enumerate(found)]
        items = [(i, text) for i, text in items if text]
        vectors = self._vectors(
            [question, *parts, *headings, *(u.text for _, u in found), *(t for _, t in items)]
        )
        topical = self._article_fit(context, sources)
        n, m = 1 + len(parts), 1 + len(parts) + len(headings)
        q_vec, part_vecs, h_vecs, u_vecs, i_vecs = (
            vectors[0],
            vectors[1:n],
            vectors[n:m],
            vectors[m : m + len(found)],
            vectors[m + len(found) :],
        )
        # An introduction has no heading of its own (its article's title fits every question
        # about the article): it gets the other sections' mean.
        fits = {r: float(q_vec @ h) for r, h in enumerate(h_vecs) if r not in intros}
        neutral = sum(fits.values()) / len(fits) if fits else 0.0
        fit = [fits.get(r, neutral) for r in range(len(sources))]
        q_words = content_words(question)
        typed = f"how much {question}" if figures_wanted else question
        intro_ok = about_article(question)
        standing = section_standing(sources, demote=not (intro_ok or context))
        lead = max(range(len(sources)), key=standing.__getitem__)
        scores = []
        q_sims = [float(q_vec @ vec) for vec in u_vecs]
        for (i, _), vec in zip(items, i_vecs, strict=True):
            q_sims[i] = max(q_sims[i], float(q_vec @ vec))
        for (rank, unit), sim in zip(found, q_sims, strict=True):
            overlap = len(q_words & content_words(unit.text)) / len(q_words) if q_words else 0.0
            score = sim + 0.15 * overlap + 0.05 * sources[rank].score
            score += HEADING_WEIGHT * fit[rank] + CONTEXT_WEIGHT * topical[rank]
            score += type_bonus(typed, unit.text) + (TOP_SECTION_BONUS if rank == lead else 0.0)
            if not context:
                score -= SECTION_GAP_WEIGHT * (standing[lead] - standing[rank])
            intro = sources[rank].section == "Introduction"
            hook = is_hook(unit.text, unit.position, introduction=intro)
            if hook and (not intro_ok or points_elsewhere(unit.text)):
                score -= INTRO_PENALTY
            elif intro and not intro_ok:
                score -= INTRO_REST_PENALTY
            scores.append(score)
        scores = ordered_lists(question, found, list_cohesion(found, scores), texts)
        out = [
            Candidate(rank, unit, score, vec, sim)
            for (rank, unit), score, vec, sim in zip(found, scores, u_vecs, q_sims, strict=True)
        ]
        return out, texts, part_vecs if len(parts) > 1 else np.zeros((0, q_vec.shape[0])), lead

    def _choose(
        self,
        question: str,
        sources: Sequence[Passage],
        *,
        figures_wanted: bool = False,
        context: str = "",
    ) -> tuple[list[Candidate], dict[tuple[int, int], str]]:
        """The units to quote, best first, and every sentence by ``(rank, position)``."""
        candidates, texts, part_vecs, lead = self._candidates(
            question, sources, figures_wanted=figures_wanted, context=context
        )
        if not candidates:
            return [], texts
        ranked = sorted(candidates, key=lambda c: c.score, reverse=True)
        top = ranked[0].score
        # A question of several parts seeds the answer with the best unit for each part.
        seeds = [best_for(candidates, v) for v in part_vecs]
        chosen: list[Candidate] = []
        used = 0.0
        for cand in [*seeds, *ranked]:
            if cand in chosen or used + cand.cost > self.max_sentences:
                continue
            floor = TOP_SECTION_FLOOR if cand.rank == lead else RELATIVE_FLOOR
            if chosen and cand not in seeds and cand.score < top * floor:
                continue
            if any(float(cand.vector @ c.vector) > REPEAT_SIMILARITY for c in chosen):
                continue
            if any(overlaps(cand, c) for c in chosen):  # "Both pay well. The premium…"
                continue
            chosen.append(cand)
            used += cand.cost
        return chosen, texts

    def _article_fit(self, context: str, sources: Sequence[Passage]) -> list[float]:
        """How far each source's article is from the one the conversation is about (0 for the
        closest, negative for the others); all 0 without a context."""
        if not context:
            return [0.0] * len(sources)
        titles = list(dict.fromkeys(p.title for p in sources))
        gap = self.checker.vectors.shortfalls(self._vectors([context])[0], titles)
        return [-gap[p.title] for p in sources]

    def _vectors(self, texts: list[str]) -> np.ndarray:
        return self.checker.vectors.vectors(texts)
