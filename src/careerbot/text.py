"""Small text helpers shared by chunking and answering."""

from __future__ import annotations

import re
import unicodedata

# A sentence ends at . ! or ? (optionally closed by a quote or bracket) followed by white space
# and an upper-case letter, digit, quote or list dash. "e.g. the" does not end a sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9-])")
ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "U.S.", "Dr.", "Mr.", "Ms.", "No.")
"""Words ending in a full stop that do not end a sentence."""


def split_sentences(text: str) -> list[str]:
    """Sentences of plain text; every line of a list (``- item``) is a sentence of its own."""
    sentences: list[str] = []
    for block in text.split("\n"):
        block = block.strip()
        if not block:
            continue
        pieces = _SENTENCE_END.split(block)
        merged: list[str] = []
        for piece in pieces:
            if merged and merged[-1].endswith(ABBREVIATIONS):
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        sentences.extend(p.strip() for p in merged if p.strip())
    return sentences


def control_characters(text: str) -> list[str]:
    """Control and other invisible format characters in ``text`` (tab and newlines allowed)."""
    return [
        ch
        for ch in text
        if ch not in "\t\n\r" and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co")
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
