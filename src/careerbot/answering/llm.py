"""The generative answerer: a LangChain chat model writes, the citation checker verifies.

Tokens are passed on as they arrive; once the model is done, the raw text goes through
:class:`~careerbot.answering.citations.checker.CitationChecker` and the verified Answer comes last. When
the model fails in any way (server down, too slow, connection cut mid-answer, garbage, an empty
answer, or an answer citing nothing), the reader gets the extractive answer instead, with a
one-line notice saying why, and ``backend == "extractive"``. Never a stack trace: the cause is
logged for operators.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from langchain_core.language_models import BaseChatModel

from careerbot.answering.base import Answerer
from careerbot.answering.citations.checker import CitationChecker
from careerbot.answering.prompt import build_prompt, neutralise
from careerbot.errors import LLMError
from careerbot.types import Answer, Passage

log = logging.getLogger(__name__)

# Our delimiters, whole or clipped (a small model may echo "<<<SOURCES (untrusted data)>>").
_ECHO = re.compile(r"<<<[^<>\n]*>{0,3}|<<<|>>>")


def notice(reason: str) -> str:
    """The reader's one line when the language model could not answer."""
    return (
        f"The language model could not answer ({reason}); showing quotes from the articles instead."
    )


def describe(exc: BaseException, *, timeout: float, started: bool) -> str:
    """A short, single-line reason for a language-model failure (no stack trace)."""
    if isinstance(exc, LLMError):
        return exc.reason
    kind = type(exc).__name__
    status = getattr(exc, "status_code", None)
    if isinstance(exc, ValueError) and "No generation chunks" in str(exc):
        return "it returned an empty answer"  # langchain-core: the stream held no chunk
    if "Timeout" in kind:
        return f"no reply within {timeout:g} s"
    if isinstance(status, int):
        return f"the server answered HTTP {status}"
    if started:
        return "the connection broke mid-answer"
    if "Connection" in kind or isinstance(exc, ConnectionError | OSError):
        return "cannot reach the server"
    text = " ".join(str(exc).split())
    return f"{kind}: {text[:120]}" if text else kind


def strip_echo(text: str, passages: Sequence[Passage]) -> str:
    """The model's text without the prompt structure small models copy back: our block
    delimiters and the sources' ``[n] Title › Section`` header lines."""
    headers = {f"[{n}] {neutralise(p.label)}" for n, p in enumerate(passages, start=1)}
    lines = [line for line in text.splitlines() if line.strip() not in headers]
    return _ECHO.sub(" ", "\n".join(lines)).strip()


class LLMAnswerer:
    """Answers with a chat model, streaming its tokens, then verifies every citation."""

    def __init__(
        self,
        chat: BaseChatModel,
        *,
        name: str,
        checker: CitationChecker,
        fallback: Answerer,
        max_sources: int = 4,
        max_source_chars: int | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.chat = chat
        self.name = name
        self.checker = checker
        self.fallback = fallback
        self.max_sources = max_sources
        self.max_source_chars = max_source_chars
        self.timeout = timeout

    def answer(self, question: str, passages: Sequence[Passage]) -> Answer:
        """The verified answer (or the extractive one, with a notice, if the model failed)."""
        *_, last = self.stream(question, passages)
        assert isinstance(last, Answer)
        return last

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[str | Answer]:
        """The model's raw tokens as they arrive, then the verified Answer.

        The Answer's text replaces what was streamed: markers pointing at nothing are gone,
        citations are renumbered, unsupported sentences are marked or dropped.
        """
        prompt = build_prompt(
            question,
            passages,
            max_sources=self.max_sources,
            max_source_chars=self.max_source_chars,
        )
        pieces: list[str] = []
        try:
            for chunk in self.chat.stream(list(prompt.messages)):
                text = chunk.text
                if text:
                    pieces.append(text)
                    yield text
        except Exception as exc:  # any failure of the model or its server: fall back
            reason = describe(exc, timeout=self.timeout, started=bool(pieces))
            log.warning("%s answerer failed (%s); falling back", self.name, reason, exc_info=True)
            yield self._fallback(question, passages, reason)
            return
        raw = strip_echo("".join(pieces), prompt.passages)
        if not raw:
            yield self._fallback(question, passages, "it returned an empty answer")
            return
        answer = self.checker.check(raw, prompt.passages, question=question, backend=self.name)
        if not answer.citations:
            log.warning("%s answer cited no source: %r", self.name, raw[:200])
            yield self._fallback(question, passages, "its answer cited none of the articles")
            return
        yield answer

    def _fallback(self, question: str, passages: Sequence[Passage], reason: str) -> Answer:
        return replace(self.fallback.answer(question, passages), notice=notice(reason))
