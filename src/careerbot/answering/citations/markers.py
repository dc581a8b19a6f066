"""The marker grammar of answers: ``[n]`` markers, lines and sentences, renumbering.

Every answerer writes text whose ``[n]`` markers number the passages it was given, 1-based;
this module reads that text into :class:`Line` and :class:`Sentence` objects (Markdown prefixes
kept) and writes markers back. It knows nothing of embeddings or thresholds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from careerbot.text import split_line

MARKER = re.compile(r"\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]")
"""``[1]``, ``[1, 2]``, ``[ 3 ]`` (``[1][2]`` is two markers)."""
LINE_PREFIX = re.compile(r"^(\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)*)")
"""Line prefixes kept as they are: headings, quotes, list bullets and numbers."""
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
"""A figure as written (``180,000``, ``3.5``)."""
HEDGE = re.compile(
    r"\b(?:don'?t|do not|doesn'?t|does not|can'?t|cannot|could ?n[o']t|did ?n[o']t)\s+"
    r"(?:know|say|cover|mention|address|discuss|answer|find|tell|specify)\b"
    r"|\bno (?:information|mention|details?)\b|\bnot (?:covered|mentioned|stated|specified)\b",
    re.IGNORECASE,
)
"""A sentence that says the sources do not answer."""
LABEL = re.compile(r"\S\s*›\s*\S")
"""``Title › Section``: how the prompt names a source, so a line of it names one, not a fact."""


@dataclass
class Sentence:
    """One sentence of an answer, as parsed and then checked."""

    raw: str
    """As written, markers included."""
    claim: str
    """Markers removed, white space collapsed: what is checked."""
    cited: list[int] = field(default_factory=list)
    """0-based indexes of the valid passages it cites, in order of appearance."""
    connective: bool = False
    label: bool = False
    """It reads as a source label (``Title › Section``): never supported."""
    supported: bool = True
    similarity: float = 0.0
    overlap: float = 0.0


@dataclass
class Line:
    """One line of an answer: its Markdown prefix (bullet, heading, quote) and sentences."""

    prefix: str
    sentences: list[Sentence]
    heading: bool


def strip_markers(text: str) -> str:
    """``text`` without ``[n]`` markers, white space collapsed."""
    text = MARKER.sub("", text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def is_connective(claim: str, line_heading: bool) -> bool:
    """Whether an unmarked sentence claims nothing: a heading, a hedge ("I don't know"), a
    list's lead-in, or three words or fewer without figures."""
    words = claim.split()
    has_figure = bool(NUMBER.search(claim))
    if line_heading or not words:
        return True
    if HEDGE.search(claim) and not has_figure and len(words) <= 20:
        return True
    if claim.endswith(":") and len(words) <= 12:
        return True
    return len(words) <= 3 and not has_figure


def parse(text: str, passages: int) -> list[Line]:
    """The answer's lines and sentences, with the valid passages (``1..passages``) each cites."""
    lines = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        m = LINE_PREFIX.match(raw)  # the prefix group may be empty, so it always matches
        prefix, body = (m.group(1), raw[m.end() :]) if m else ("", raw)
        heading = "#" in prefix or bool(re.fullmatch(r"\*\*[^*]+\*\*:?", body.strip()))
        sentences = []
        for piece in split_line(body):
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
            label = bool(LABEL.search(claim))
            connective = not marked and not label and is_connective(claim, heading)
            sentences.append(Sentence(piece, claim, cited, connective=connective, label=label))
        lines.append(Line(prefix, sentences, heading))
    return lines


def claims(text: str) -> list[str]:
    """The sentences of an answer's text, markers removed (for counting and reports)."""
    return [s.claim for line in parse(text, 0) for s in line.sentences]


def renumber(raw: str, numbers_of: dict[int, int], passages: int) -> str:
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


def plain(text: str) -> str:
    """``text`` without a list bullet or number in front, white space collapsed."""
    return " ".join(LINE_PREFIX.sub("", text, count=1).split())
