"""The answerer seam: anything that turns a question and retrieved passages into an Answer."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from careerbot.types import Answer, Passage


@runtime_checkable
class Answerer(Protocol):
    """Writes an answer from passages only, every claim marked ``[n]`` with its citation."""

    name: str

    def answer(self, question: str, passages: Sequence[Passage], *, context: str = "") -> Answer:
        """A complete answer; ``context`` is what a follow-up leans on (the conversation's
        topic), which an answerer may use to pick what to say, never as the question."""
        ...

    def stream(
        self, question: str, passages: Sequence[Passage], *, context: str = ""
    ) -> Iterator[str | Answer]:
        """Pieces of the answer's text as they are ready, then the complete Answer."""
        ...
