"""Small text helpers shared by chunking and answering."""

from __future__ import annotations

import re
import unicodedata

MARKER_BODY = r"\[\s*\d+(?:\s*,\s*\d+)*\s*\]"
"""A citation marker as a regex fragment: ``[1]``, ``[1, 2]``, ``[ 3 ]``."""
# A sentence ends at . ! or ? (optionally closed by quotes or brackets, then any citation
# markers, which belong to the sentence before them), followed by white space and an upper-case
# letter, digit, quote, opening bracket (not a marker) or list dash. "e.g. the" does not end one.
_SENTENCE_END = re.compile(
    r"([.!?][\"'”’)\]]*)(?:\s*" + MARKER_BODY + r")*(?=\s+(?:[\"'“‘(]|\[(?!\s*\d))?[A-Z0-9-])"
)
ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "U.S.", "Dr.", "Mr.", "Ms.", "No.")
"""Words ending in a full stop that do not end a sentence."""


def split_line(line: str) -> list[str]:
    """Sentences of one line of text, each keeping the citation markers that follow it."""
    pieces: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(line):
        if line[: m.end(1)].endswith(ABBREVIATIONS):
            continue
        piece = line[start : m.end()].strip()
        if piece:
            pieces.append(piece)
        start = m.end()
    rest = line[start:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def split_sentences(text: str) -> list[str]:
    """Sentences of plain text; every line of a list (``- item``) is a sentence of its own."""
    return [s for block in text.split("\n") for s in split_line(block.strip())]


# Format characters (Cf) that real text carries: joiners in emoji and Persian (ZWJ, ZWNJ), soft
# hyphens, direction marks, the BOM an editor leaves, tags in flag emoji. Only the bidi
# embeddings, overrides and isolates are refused: they reorder what a reader sees.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def control_characters(text: str) -> list[str]:
    """Control characters in ``text`` (C0/C1 except tab and newlines, surrogates, private use)
    and the bidi controls; the other format characters are allowed."""
    return [
        ch
        for ch in text
        if ch not in "\t\n\r"
        and (unicodedata.category(ch) in ("Cc", "Cs", "Co") or ch in _BIDI_CONTROLS)
    ]


_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
STOPWORDS = frozenset(
    """a an and are as at be but by can do does for from has have how i if in into is it its
    me my of on or should so than that the their them then there these they this to was we what
    when where which who why will with would you your about more most also just""".split()
)


def content_words(text: str) -> set[str]:
    """Lower-cased words of ``text`` without stop words."""
    return {w for w in _WORD.findall(text.lower()) if w not in STOPWORDS}
