"""Verified citations: every sentence of an answer is checked against the sections it cites.

Any answerer (the extractive one and the LLM ones) writes text whose ``[n]`` markers number the
passages it was given, 1-based. :class:`CitationChecker` turns that text into the final
:class:`~careerbot.types.Answer`:

1. Markers that point at nothing (``[0]``, ``[9]`` with five passages, a marker standing alone
   on a line) are removed.
2. Each sentence is checked against the sections it cites. It is *supported* when
   - its embedding reaches ``verify_min_similarity`` (cosine) with the best-matching sentence,
     or run of consecutive sentences, of one of those sections, and
   - at least ``verify_min_overlap`` of its content words (crudely stemmed) occur in those
     sections (their text, title and heading), and
   - every number it states occurs in those sections (a made-up figure is never supported).
3. A line that reads as a source label (``[2] Title › Section``, with or without its marker,
   the way the prompt lists sources) is unsupported whatever it names: a model copying, or
   forging, the sources list claims nothing.
4. A sentence without a valid marker is unsupported, unless it has no marker at all and is a
   connective that claims nothing: a hedge such as "I don't know" or "The articles don't say" (no figures), a list's
   lead-in ending in ``:`` (at most 12 words), a Markdown heading, or three words or fewer
   without figures ("In short:", "Yes.").
5. Unsupported sentences are marked with :data:`FLAG` or dropped (``verify_mode``); the Answer
   lists them in ``flagged`` / ``dropped``.
6. Citations are renumbered in order of first use; each citation's snippet is the section's
   sentence that best supports the answer's sentences citing it.

An answer left with no citation at all (empty text, only hedges, or everything dropped) comes
back with ``refused=True`` and no citations, so the caller can say so or fall back.

The text comes back as Markdown in which article and model text is escaped
(:func:`~careerbot.markup.inline_markdown`): markers and emphasis stay, tags and links do not.
Markdown survives: lines, blank lines between paragraphs, list items (``-``, ``*``, ``1.``),
headings and quotes are rebuilt as they were, only the checked sentences change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from careerbot.answering.citations.markers import (
    NUMBER,
    Line,
    Sentence,
    claims,
    parse,
    plain,
    renumber,
)
from careerbot.embedding.vector_cache import VectorCache
from careerbot.markup import inline_markdown
from careerbot.settings import Settings
from careerbot.text import content_words, split_sentences
from careerbot.types import Answer, Citation, Passage

FLAG = " *(⚠ unverified)*"
"""Appended to a sentence the checker could not match to its sources (``verify_mode=mark``)."""
SNIPPET_CHARS = 240
# Consecutive section sentences embedded together, so a claim that joins two sentences matches.
WINDOW = 2


def stems(text: str) -> set[str]:
    """Content words cut to six letters, so "engineers"/"engineering" and "paid"/"pay" mostly
    meet (a crude, language-agnostic stemmer)."""
    return {w[:6] if not w[0].isdigit() else w for w in content_words(text)}


def numbers(text: str) -> set[str]:
    """Figures in ``text``, thousands separators removed (``$180,000`` → ``180000``)."""
    out = set()
    for raw in NUMBER.findall(text):
        out.add(raw.replace(",", "").rstrip("."))
    return out


@dataclass(frozen=True)
class Support:
    """How well a sentence is backed by the sections it cites."""

    similarity: float
    """Best cosine with a sentence, or a run of WINDOW sentences, of a cited section."""
    overlap: float
    """Share of the sentence's content-word stems found in the cited sections."""
    figures: bool
    """Every number in the sentence occurs in the cited sections."""


@dataclass(frozen=True)
class _Section:
    units: list[str]
    """What a claim is compared with: the sentences, then runs of WINDOW of them."""
    stems: set[str]
    numbers: set[str]
    quotes: frozenset[str]
    """Its sentences as :func:`~careerbot.answering.citations.markers.plain` text: a claim equal to one is a quote."""


def _section(p: Passage) -> _Section:
    sentences = split_sentences(p.text) or [p.text]
    windows = [" ".join(sentences[k : k + WINDOW]) for k in range(len(sentences) - WINDOW + 1)]
    whole = f"{p.title} {p.section} {p.text}"
    quotes = frozenset(plain(t) for t in sentences)
    return _Section(sentences + windows, stems(whole), numbers(whole), quotes)


class CitationChecker:
    """Checks an answer's sentences against the sections they cite and builds its citations."""

    def __init__(self, vectors: VectorCache, settings: Settings) -> None:
        self.vectors = vectors
        """Sentence vectors, shared with whoever composes the answers being checked."""
        self.settings = settings
        self.mode = settings.verify_mode
        self.min_similarity = settings.verify_min_similarity
        self.min_overlap = settings.verify_min_overlap

    def check(
        self, text: str, passages: Sequence[Passage], *, question: str, backend: str
    ) -> Answer:
        """The final Answer for ``text``, whose ``[n]`` markers number ``passages`` 1-based.

        Markers that point at nothing are removed, unsupported sentences are marked or dropped
        (``verify_mode``) and listed on the Answer, citations are renumbered in order of first
        use. No citation left: ``refused=True``.
        """
        lines = parse(text, len(passages))
        checked = [s for line in lines for s in line.sentences if not s.connective]
        self._score(checked, passages)
        flagged: list[str] = []
        dropped: list[str] = []
        numbers_of: dict[int, int] = {}
        out: list[str] = []
        for line in lines:
            rendered = []
            for s in line.sentences:
                if not s.supported and self.mode == "drop":
                    dropped.append(s.claim)
                    continue
                for i in s.cited:
                    numbers_of.setdefault(i, len(numbers_of) + 1)
                # Article and model text stays text: only markers and emphasis stay live.
                piece = inline_markdown(renumber(s.raw, numbers_of, len(passages)))
                if not s.supported:
                    flagged.append(s.claim)
                    piece += FLAG
                rendered.append(piece)
            if rendered:
                out.append(line.prefix + " ".join(rendered))
            elif not line.sentences and not line.prefix.strip():
                out.append("")  # a blank line between paragraphs
        final = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()
        citations = self._citations(lines, passages, numbers_of)
        return Answer(
            text=final,
            citations=citations,
            refused=not citations,
            backend=backend,
            query=question,
            passages=tuple(passages),
            flagged=tuple(flagged),
            dropped=tuple(dropped),
        )

    def support(self, claims: Sequence[str], cited: Sequence[Sequence[Passage]]) -> list[Support]:
        """How well each claim (markers removed) is supported by the sections it cites; one
        embedding batch for everything not cached.

        A claim that is one of its cited sections' sentences word for word (what the extractive
        answerer writes) is a quote: its similarity is 1.0 without embedding anything.
        """
        sections: dict[tuple[str, str, str], _Section] = {}
        for group in cited:
            for p in group:
                key = (p.title, p.section, p.text)
                if key not in sections:
                    sections[key] = _section(p)
        keys_of = [[(p.title, p.section, p.text) for p in group] for group in cited]
        quoted = [
            any(plain(claim) in sections[k].quotes for k in keys)
            for claim, keys in zip(claims, keys_of, strict=True)
        ]
        compared = {k for keys, q in zip(keys_of, quoted, strict=True) if not q for k in keys}
        paraphrases = [c for c, q in zip(claims, quoted, strict=True) if not q]
        units = [u for key, sec in sections.items() if key in compared for u in sec.units]
        vectors = self.vectors.vectors(paraphrases + units)
        claim_vecs = iter(vectors[: len(paraphrases)])
        unit_vecs = vectors[len(paraphrases) :]
        spans, at = {}, 0
        for key, sec in sections.items():
            if key in compared:
                spans[key] = slice(at, at + len(sec.units))
                at += len(sec.units)
        out = []
        for claim, keys, quote in zip(claims, keys_of, quoted, strict=True):
            vec = None if quote else next(claim_vecs)
            if not keys:
                out.append(Support(0.0, 0.0, False))
                continue
            similarity = (
                1.0 if vec is None else max(float(np.max(unit_vecs[spans[k]] @ vec)) for k in keys)
            )
            words = stems(claim)
            pool = set().union(*(sections[k].stems for k in keys))
            figures = set().union(*(sections[k].numbers for k in keys))
            out.append(
                Support(
                    similarity=similarity,
                    overlap=len(words & pool) / len(words) if words else 1.0,
                    figures=numbers(claim) <= figures,
                )
            )
        return out

    def texts_to_embed(self, passage: Passage) -> list[str]:
        """What checking quotes of ``passage`` embeds (to warm :attr:`vectors` with): its
        sentences as a quote's claim reads them (list bullets off), and the sentences a
        citation's snippet is chosen from."""
        sentences = split_sentences(passage.text) or [passage.text]
        return [*claims("\n".join(sentences)), *(t for t in sentences if not t.endswith(":"))]

    def supported(self, support: Support) -> bool:
        """Whether the figures pass this checker's thresholds."""
        return (
            support.figures
            and support.similarity >= self.min_similarity
            and support.overlap >= self.min_overlap
        )

    def _score(self, checked: list[Sentence], passages: Sequence[Passage]) -> None:
        figures = self.support(
            [s.claim for s in checked], [[passages[i] for i in s.cited] for s in checked]
        )
        for s, f in zip(checked, figures, strict=True):
            s.similarity, s.overlap = f.similarity, f.overlap
            # A source label ("[1] Title › Section") claims nothing the section could support:
            # it is a forged or misnumbered source line, never a supported sentence.
            s.supported = bool(s.cited) and not s.label and self.supported(f)

    def _citations(
        self, lines: list[Line], passages: Sequence[Passage], numbers_of: dict[int, int]
    ) -> tuple[Citation, ...]:
        """One citation per cited passage, in order of first use; the snippet is the section
        sentence closest to the (supported, else any) sentences citing it."""
        citations = []
        kept = [s for line in lines for s in line.sentences if s.supported or self.mode == "mark"]
        for i, n in sorted(numbers_of.items(), key=lambda kv: kv[1]):
            p = passages[i]
            citing = [s.claim for s in kept if i in s.cited and s.supported] or [
                s.claim for s in kept if i in s.cited
            ]
            sentences = [t for t in split_sentences(p.text) if not t.endswith(":")] or [p.text]
            vecs = self.vectors.vectors(citing + sentences)
            scores = np.round(vecs[len(citing) :] @ vecs[: len(citing)].T, 4)  # (sentences, citing)
            best = sentences[int(np.argmax(scores.max(axis=1)))] if citing else sentences[0]
            citations.append(
                Citation(
                    n=n,
                    title=p.title,
                    section=p.section,
                    url=p.url,
                    snippet=_snippet(best),
                    updated=p.updated,
                )
            )
        return tuple(citations)


def _snippet(text: str) -> str:
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1].rsplit(" ", 1)[0] + "…"
