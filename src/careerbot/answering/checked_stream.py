"""What a reader may see while a model writes: its answer sentence by sentence, each checked.

A model's raw tokens are never shown: a sentence the citation checker would drop (or a forged
source line) would be on screen until the verified answer replaced it. :class:`CheckedStream`
holds the tokens back until a sentence is complete (the next one has begun, or its line has
ended, so the markers after it have arrived), checks the text so far and passes on only what
the check adds to what is already shown. Sentences are checked alone, so the text checked so
far reads the same at the start of the final answer; when it does not (a rare re-layout), the
stream waits and the final answer shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from careerbot.answering.citations.checker import CitationChecker
from careerbot.text import split_line
from careerbot.types import Answer, Passage


def complete_part(raw: str) -> str:
    """The start of ``raw`` made of whole sentences: every ended line, then the sentences of
    the last line that another sentence already follows."""
    cut = raw.rfind("\n") + 1
    done, tail = raw[:cut], raw[cut:]
    pieces = split_line(tail)
    if len(pieces) >= 2:
        done += tail[: tail.rindex(pieces[-1])]
    return done


class CheckedStream:
    """Raw tokens in, checked Markdown out, for one answer."""

    def __init__(
        self,
        checker: CitationChecker,
        passages: Sequence[Passage],
        *,
        question: str,
        backend: str,
        clean: Callable[[str], str] = str.strip,
    ) -> None:
        self.checker = checker
        self.passages = passages
        self.question = question
        self.backend = backend
        self.clean = clean
        """What is done to the model's text before it is checked (the echo of the prompt is
        removed): applied the same way to the text so far and to the whole."""
        self.raw = ""
        self.shown = ""
        """The checked text passed on so far."""
        self._checked = 0

    def feed(self, token: str) -> str:
        """Take one token; the checked text it completes, to append to what is shown (often
        ``""``)."""
        self.raw += token
        done = complete_part(self.raw)
        if len(done) <= self._checked:
            return ""
        self._checked = len(done)
        return self._advance(self.check(done).text)

    def finish(self) -> Answer:
        """The verified answer to everything fed."""
        return self.check(self.raw)

    def rest(self, answer: Answer) -> str:
        """What ``answer`` adds to what is shown (``""`` if it does not start with it)."""
        return self._advance(answer.text)

    def check(self, raw: str) -> Answer:
        """The checked Answer for ``raw`` (cleaned first)."""
        return self.checker.check(
            self.clean(raw), self.passages, question=self.question, backend=self.backend
        )

    def _advance(self, text: str) -> str:
        if len(text) <= len(self.shown) or not text.startswith(self.shown):
            return ""
        delta, self.shown = text[len(self.shown) :], text
        return delta
