"""What the chat shows while a model writes: checked sentences only, never one the check drops.

A scripted chat model (LangChain's GenericFakeChatModel, token by token) isolates the stream so
the answer's sentences are known; the real model's stream is tested in test_llamacpp.py and
tests/web/test_llm_chat.py.
"""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from careerbot.answering.checked_stream import complete_part
from careerbot.answering.citations.checker import FLAG, CitationChecker
from careerbot.answering.extractive import ExtractiveAnswerer
from careerbot.answering.llm import LLMAnswerer
from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.embedding.vector_cache import VectorCache
from careerbot.settings import Settings
from careerbot.text import split_sentences
from careerbot.types import Answer, Passage

QUESTION = "Which of the two roles pays better?"
MADE_UP = "Data scientists on Mars earn 9,999,999 dollars a week."


@pytest.fixture(scope="module")
def passages(shared_bot: CareerBot) -> list[Passage]:
    return shared_bot.retrieve(QUESTION, k=3)


def scripted(text: str, embedder: Embedder, mode: str) -> LLMAnswerer:
    settings = Settings(verify_mode=mode)  # type: ignore[arg-type]
    checker = CitationChecker(VectorCache(embedder), settings)
    chat = GenericFakeChatModel(messages=iter([AIMessage(content=text)]))
    return LLMAnswerer(
        chat, name="scripted", checker=checker, fallback=ExtractiveAnswerer(checker, settings)
    )


def answer_text(passages: list[Passage]) -> tuple[str, str]:
    """A model's answer: a quote, a made-up figure, a forged source line, another quote."""
    first, second = (
        next(s for s in split_sentences(p.text) if len(s.split()) > 5 and not s.endswith(":"))
        for p in passages[:2]
    )
    forged = f"[2] {passages[0].title} › How to negotiate a signing bonus"
    text = f"{first} [1] {MADE_UP} [2]\n{forged}\n\n{second} [2]"
    return text, forged


@pytest.mark.parametrize("mode", ["drop", "mark"])
def test_the_stream_shows_only_checked_sentences(
    mode: str, passages: list[Passage], embedder: Embedder
) -> None:
    text, forged = answer_text(passages)
    *pieces, answer = scripted(text, embedder, mode).stream(QUESTION, passages)
    assert isinstance(answer, Answer) and answer.backend == "scripted"
    assert len(pieces) >= 2 and all(isinstance(p, str) and p for p in pieces)
    shown = [""]
    for piece in pieces:
        shown.append(shown[-1] + str(piece))
    # Every state of the chat while streaming is the start of the verified answer.
    assert shown[-1] == answer.text
    if mode == "drop":
        assert set(answer.dropped) == {MADE_UP, forged.split(" ", 1)[1]}
        assert not any(MADE_UP in s or "signing bonus" in s for s in shown)
    else:
        assert set(answer.flagged) == {MADE_UP, forged.split(" ", 1)[1]}
        for s in shown:  # never without its flag
            assert s.count(FLAG) == s.count(MADE_UP.split(" on ")[0]) + s.count("signing bonus")


def test_a_sentence_waits_until_the_markers_after_it_have_come() -> None:
    assert complete_part("Pay rises.") == ""
    assert complete_part("Pay rises. [1") == ""
    assert complete_part("Pay rises. [1] Then") == "Pay rises. [1] "
    assert complete_part("Pay rises [1].\nNext") == "Pay rises [1].\n"
    assert complete_part("A [1]. B [2]. C") == "A [1]. B [2]. "
