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
3. A sentence without a valid marker is unsupported, unless it has no marker at all and is a
   connective that claims nothing: a hedge such as "I don't know" or "The articles don't say" (no figures), a list's
   lead-in ending in ``:`` (at most 12 words), a Markdown heading, or three words or fewer
   without figures ("In short:", "Yes.").
4. Unsupported sentences are marked with :data:`FLAG` or dropped (``verify_mode``); the Answer
   lists them in ``flagged`` / ``dropped``.
5. Citations are renumbered in order of first use; each citation's snippet is the section's
   sentence that best supports the answer's sentences citing it.

An answer left with no citation at all (empty text, only hedges, or everything dropped) comes
back with ``refused=True`` and no citations, so the caller can say so or fall back.

Markdown survives: lines, blank lines between paragraphs, list items (``-``, ``*``, ``1.``),
headings and quotes are rebuilt as they were, only the checked sentences change.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from careerbot.embedding.embedder import Embedder
from careerbot.settings import Settings
from careerbot.text import ABBREVIATIONS, content_words, split_sentences
from careerbot.types import Answer, Citation, Passage

FLAG = " *(⚠ unverified)*"
"""Appended to a sentence the checker could not match to its sources (``verify_mode=mark``)."""
SNIPPET_CHARS = 240
# Consecutive section sentences embedded together, so a claim that joins two sentences matches.
WINDOW = 2

_MARKER_BODY = r"\[\s*\d+(?:\s*,\s*\d+)*\s*\]"
MARKER = re.compile(r"\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]")
"""``[1]``, ``[1, 2]``, ``[ 3 ]`` (``[1][2]`` is two markers)."""
# Line prefixes kept as they are: headings, quotes, list bullets and numbers.
_PREFIX = re.compile(r"^(\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)*)")
# Where a sentence ends: . ! ? (and closing quotes), then any markers, then white space and a
# capital, digit, quote or dash. Markers right after the full stop belong to that sentence.
_BOUNDARY = re.compile(
    r"[.!?][\"'”’)]*((?:\s*" + _MARKER_BODY + r")*)(?=\s+[\"'“‘(]?[A-Z0-9-])"
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_HEDGE = re.compile(
    r"\b(?:don'?t|do not|doesn'?t|does not|can'?t|cannot|could ?n[o']t|did ?n[o']t)\s+"
    r"(?:know|say|cover|mention|address|discuss|answer|find|tell|specify)\b"
    r"|\bno (?:information|mention|details?)\b|\bnot (?:covered|mentioned|stated|specified)\b",
    re.IGNORECASE,
)


@dataclass
class _Sentence:
    raw: str
    """As written, markers included."""
    claim: str
    """Markers removed, white space collapsed: what is checked."""
    cited: list[int] = field(default_factory=list)
    """0-based indexes of the valid passages it cites, in order of appearance."""
    connective: bool = False
    supported: bool = True
    similarity: float = 0.0
    overlap: float = 0.0


@dataclass
class _Line:
    prefix: str
    sentences: list[_Sentence]
    heading: bool


class VectorCache:
    """Unit vectors of texts, least recently used first out; safe to share between threads."""

    def __init__(self, embedder: Embedder, size: int = 8192) -> None:
        self.embedder = embedder
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """A ``(len(texts), dim)`` array; only texts not seen lately are embedded (one batch)."""
        if not texts:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        with self._lock:
            found = {t: self._vectors[t] for t in dict.fromkeys(texts) if t in self._vectors}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            found.update(zip(missing, self.embedder.encode(missing), strict=True))
        with self._lock:
            for text, vec in found.items():
                self._vectors[text] = vec
                self._vectors.move_to_end(text)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return np.stack([found[t] for t in texts])


def stems(text: str) -> set[str]:
    """Content words cut to six letters, so "engineers"/"engineering" and "paid"/"pay" mostly
    meet (a crude, language-agnostic stemmer)."""
    return {w[:6] if not w[0].isdigit() else w for w in content_words(text)}


def numbers(text: str) -> set[str]:
    """Figures in ``text``, thousands separators removed (``$180,000`` → ``180000``)."""
    out = set()
    for raw in _NUMBER.findall(text):
        out.add(raw.replace(",", "").rstrip("."))
    return out


def strip_markers(text: str) -> str:
    """``text`` without ``[n]`` markers, white space collapsed."""
    text = MARKER.sub("", text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def _split_line(body: str) -> list[str]:
    """Sentences of one line, each keeping the markers that follow it."""
    pieces: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(body):
        if body[: m.start(1)].endswith(ABBREVIATIONS):
            continue
        piece = body[start : m.end()].strip()
        if piece:
            pieces.append(piece)
        start = m.end()
    rest = body[start:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def _connective(claim: str, line_heading: bool) -> bool:
    words = claim.split()
    has_figure = bool(_NUMBER.search(claim))
    if line_heading or not words:
        return True
    if _HEDGE.search(claim) and not has_figure and len(words) <= 20:
        return True
    if claim.endswith(":") and len(words) <= 12:
        return True
    return len(words) <= 3 and not has_figure


def parse(text: str, passages: int) -> list[_Line]:
    """The answer's lines and sentences, with the valid passages (``1..passages``) each cites."""
    lines = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        m = _PREFIX.match(raw)
        prefix, body = m.group(1), raw[m.end() :]
        heading = "#" in prefix or bool(re.fullmatch(r"\*\*[^*]+\*\*:?", body.strip()))
        sentences = []
        for piece in _split_line(body):
            cited: list[int] = []
            for group in MARKER.findall(piece):
                for n in (int(x) for x in group.split(",")):
                    if 1 <= n <= passages and n - 1 not in cited:
                        cited.append(n - 1)
            claim = strip_markers(piece)
            if not claim:  # markers alone: they mark nothing
                continue
            # A sentence whose markers all pointed at nothing still claimed a source: checked.
            marked = bool(MARKER.search(piece))
            connective = not marked and _connective(claim, heading)
            sentences.append(_Sentence(piece, claim, cited, connective=connective))
        lines.append(_Line(prefix, sentences, heading))
    return lines


def claims(text: str) -> list[str]:
    """The sentences of an answer's text, markers removed (for counting and reports)."""
    return [s.claim for line in parse(text, 0) for s in line.sentences]


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
    """Its sentences as :func:`_plain` text: a claim equal to one is a quote."""


def _section(p: Passage) -> _Section:
    sentences = split_sentences(p.text) or [p.text]
    windows = [" ".join(sentences[k : k + WINDOW]) for k in range(len(sentences) - WINDOW + 1)]
    whole = f"{p.title} {p.section} {p.text}"
    quotes = frozenset(_plain(t) for t in sentences)
    return _Section(sentences + windows, stems(whole), numbers(whole), quotes)


def _plain(text: str) -> str:
    """``text`` without a list bullet or number in front, white space collapsed."""
    return " ".join(_PREFIX.sub("", text, count=1).split())


class CitationChecker:
    """Checks an answer's sentences against the sections they cite and builds its citations."""

    def __init__(self, embedder: Embedder, settings: Settings) -> None:
        self.embedder = embedder
        self.settings = settings
        self.mode = settings.verify_mode
        self.min_similarity = settings.verify_min_similarity
        self.min_overlap = settings.verify_min_overlap
        self.cache = VectorCache(embedder)

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
                piece = _renumber(s.raw, numbers_of, len(passages))
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

    def support(
        self, claims: Sequence[str], cited: Sequence[Sequence[Passage]]
    ) -> list[Support]:
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
            any(_plain(claim) in sections[k].quotes for k in keys)
            for claim, keys in zip(claims, keys_of, strict=True)
        ]
        compared = {k for keys, q in zip(keys_of, quoted, strict=True) if not q for k in keys}
        paraphrases = [c for c, q in zip(claims, quoted, strict=True) if not q]
        units = [u for key, sec in sections.items() if key in compared for u in sec.units]
        vectors = self.cache.vectors(paraphrases + units)
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
            similarity = 1.0 if vec is None else max(
                float(np.max(unit_vecs[spans[k]] @ vec)) for k in keys
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

    def supported(self, support: Support) -> bool:
        """Whether the figures pass this checker's thresholds."""
        return (
            support.figures
            and support.similarity >= self.min_similarity
            and support.overlap >= self.min_overlap
        )

    def _score(self, checked: list[_Sentence], passages: Sequence[Passage]) -> None:
        figures = self.support(
            [s.claim for s in checked], [[passages[i] for i in s.cited] for s in checked]
        )
        for s, f in zip(checked, figures, strict=True):
            s.similarity, s.overlap = f.similarity, f.overlap
            s.supported = bool(s.cited) and self.supported(f)

    def _citations(
        self, lines: list[_Line], passages: Sequence[Passage], numbers_of: dict[int, int]
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
            vecs = self.cache.vectors(citing + sentences)
            scores = np.round(vecs[len(citing) :] @ vecs[: len(citing)].T, 4)  # (sentences, citing)
            best = sentences[int(np.argmax(scores.max(axis=1)))] if citing else sentences[0]
            citations.append(
                Citation(n=n, title=p.title, section=p.section, url=p.url,
                         snippet=_snippet(best), updated=p.updated)
            )
        return tuple(citations)


def _renumber(raw: str, numbers_of: dict[int, int], passages: int) -> str:
    """``raw`` with each marker renumbered, invalid numbers removed (and empty markers with
    the space before them)."""
    changed = False

    def swap(m: re.Match[str]) -> str:
        nonlocal changed
        kept: list[int] = []
        for n in (int(x) for x in m.group(1).split(",")):
            if 1 <= n <= passages and numbers_of[n - 1] not in kept:
                kept.append(numbers_of[n - 1])
        new = f"[{', '.join(map(str, kept))}]" if kept else ""
        changed = changed or new != m.group(0)
        return new

    out = MARKER.sub(swap, raw)
    if changed:
        out = re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", out)).strip()
    return out


def _snippet(text: str) -> str:
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1].rsplit(" ", 1)[0] + "…"
