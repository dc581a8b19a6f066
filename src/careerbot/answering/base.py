"""The answerer seam: anything that turns a question and retrieved passages into an Answer."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from careerbot.types import Answer, Passage


@runtime_checkable
class Answerer(Protocol):
    """Writes an answer from passages only, every claim marked ``[n]`` with its citation."""

    name: str

    def answer(self, question: str, passages: Sequence[Passage]) -> Answer:
        """A complete answer."""
        ...

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[str | Answer]:
        """Pieces of the answer's text as they are ready, then the complete Answer."""
        ...
