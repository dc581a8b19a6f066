"""The generative answerer: a LangChain chat model writes, the citation checker verifies.

The reader sees the answer sentence by sentence as the model writes it, each sentence checked
by :class:`~careerbot.answering.citations.checker.CitationChecker` before it is passed on
(:class:`~careerbot.answering.checked_stream.CheckedStream`): a sentence the check drops is never
shown, not even for a moment. The verified Answer comes last. When
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
from careerbot.answering.checked_stream import CheckedStream
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

    def answer(self, question: str, passages: Sequence[Passage], *, context: str = "") -> Answer:
        """The verified answer (or the extractive one, with a notice, if the model failed)."""
        *_, last = self.stream(question, passages, context=context)
        assert isinstance(last, Answer)
        return last

    def stream(
        self, question: str, passages: Sequence[Passage], *, context: str = ""
    ) -> Iterator[str | Answer]:
        """The answer's checked text as each sentence completes, then the verified Answer.

        Pieces only ever extend what came before; the Answer's text starts with them unless
        it fell back to the extractive answer (then its notice says why). Markers pointing at
        nothing are gone, citations renumbered, unsupported sentences marked or dropped. The
        model reads the question alone (a follow-up arrives rewritten when a model condensed
        it); ``context`` steers only the fallback.
        """
        prompt = build_prompt(
            question,
            passages,
            max_sources=self.max_sources,
            max_source_chars=self.max_source_chars,
        )
        checked = CheckedStream(
            self.checker,
            prompt.passages,
            question=question,
            backend=self.name,
            clean=lambda text: strip_echo(text, prompt.passages),
        )
        started = False
        try:
            for chunk in self.chat.stream(list(prompt.messages)):
                text = chunk.text
                if text:
                    started = True
                    piece = checked.feed(text)
                    if piece:
                        yield piece
        except Exception as exc:  # any failure of the model or its server: fall back
            reason = describe(exc, timeout=self.timeout, started=started)
            log.warning("%s answerer failed (%s); falling back", self.name, reason, exc_info=True)
            yield self._fallback(question, passages, reason, context)
            return
        if not strip_echo(checked.raw, prompt.passages):
            yield self._fallback(question, passages, "it returned an empty answer", context)
            return
        answer = checked.finish()
        if not answer.citations:
            log.warning("%s answer cited no source: %r", self.name, checked.raw[:200])
            yield self._fallback(
                question, passages, "its answer cited none of the articles", context
            )
            return
        rest = checked.rest(answer)
        if rest:
            yield rest
        yield answer

    def _fallback(
        self, question: str, passages: Sequence[Passage], reason: str, context: str = ""
    ) -> Answer:
        answer = self.fallback.answer(question, passages, context=context)
        return replace(answer, notice=notice(reason))
