"""Choosing the answerer from settings: ``extractive``, ``llamacpp`` or ``openai``.

Both LLM backends are LangChain chat models behind the same :class:`LLMAnswerer`:

- ``llamacpp``: :class:`~careerbot.answering.llamacpp.ChatLlamaCpp`, in-process.
- ``openai``: ``langchain_openai.ChatOpenAI`` against any OpenAI-compatible ``/v1`` server
  (llama.cpp server, Ollama, vLLM, hosted). It is the maintained client for that protocol,
  streams, and takes ``base_url``, a timeout and ``max_retries`` — retries stay at 0 so a dead
  server costs the reader one timeout, not three, before the extractive answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from careerbot.answering.base import Answerer
from careerbot.answering.citations.checker import CitationChecker
from careerbot.answering.extractive import ExtractiveAnswerer
from careerbot.answering.warmup import Warmer, warm_up
from careerbot.embedding.embedder import Embedder
from careerbot.embedding.vector_cache import VectorCache
from careerbot.errors import LLMConfigError
from careerbot.settings import Settings
from careerbot.store.chroma import ChunkStore

# The LLM modules import LangChain's language models (about a second); the extractive
# answerer does not need them, so they are imported when a model is configured.
if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from careerbot.answering.condense import Condenser

__all__ = ["AnswererChoice", "chat_model", "choose_answerer", "warm_up"]

# Prompt room kept for the rules, the question and the delimiters, in tokens.
_PROMPT_OVERHEAD_TOKENS = 400
# Conservative characters per token for English prose, to size the sources to the context.
_CHARS_PER_TOKEN = 3


@dataclass(frozen=True)
class AnswererChoice:
    """The answerer for the settings, and the follow-up condenser when there is a model."""

    answerer: Answerer
    vectors: VectorCache
    """The sentence vectors its answers are composed and checked with (warmed in background)."""
    condenser: Condenser | None = None


def chat_model(settings: Settings, *, max_tokens: int | None = None) -> BaseChatModel:
    """The chat model for ``settings.llm`` (``llamacpp`` or ``openai``), writing at most
    ``max_tokens`` (default ``settings.llm_max_tokens``)."""
    max_tokens = max_tokens or settings.llm_max_tokens
    if settings.llm == "llamacpp":
        from careerbot.answering.llamacpp import ChatLlamaCpp, load_llama

        if settings.llm_model_path is None:
            raise LLMConfigError(
                "CAREERBOT_LLM=llamacpp needs CAREERBOT_LLM_MODEL_PATH, the path of a GGUF "
                "model file (see README, 'Generative answers')."
            )
        path = settings.llm_model_path.expanduser().resolve()
        return ChatLlamaCpp(
            client=load_llama(path, settings.llm_context_size),
            model_name=path.name,
            max_tokens=max_tokens,
            temperature=settings.llm_temperature,
            timeout=settings.llm_timeout,
        )
    if settings.llm == "openai":
        from langchain_openai import ChatOpenAI

        if not settings.llm_base_url or not settings.llm_model:
            raise LLMConfigError(
                "CAREERBOT_LLM=openai needs CAREERBOT_LLM_BASE_URL (e.g. "
                "http://127.0.0.1:8080/v1) and CAREERBOT_LLM_MODEL (the server's model name)."
            )
        return ChatOpenAI(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key.get_secret_value() or "not-needed",
            timeout=settings.llm_timeout,
            max_retries=0,
            # Sent as `max_tokens`, which every OpenAI-compatible server reads; ChatOpenAI's own
            # field goes out as `max_completion_tokens`, which llama.cpp's server ignores
            # (it would then write until its context is full).
            extra_body={"max_tokens": max_tokens},
            temperature=settings.llm_temperature,
            streaming=True,
            use_responses_api=False,
        )
    raise LLMConfigError(f"CAREERBOT_LLM={settings.llm} has no chat model.")


def choose_answerer(
    settings: Settings, embedder: Embedder, store: ChunkStore | None = None
) -> AnswererChoice:
    """The answerer ``settings.llm`` asks for, every answer going through one checker; with
    the ``store``, the sentence vectors of its sections are warmed in the background from the
    first question on, and after each ingest (:mod:`careerbot.answering.warmup`).

    Raises :class:`LLMConfigError` (with what to set) when the LLM is configured wrongly; a
    model that fails later, while answering, falls back to the extractive answer instead.
    """
    checker = CitationChecker(VectorCache(embedder), settings)
    extractive = ExtractiveAnswerer(checker, settings)
    if store is not None:
        # Not now: warming while the app starts delayed /api/health by seconds (2-core box).
        checker.vectors.on_use = Warmer(extractive, store, settings).poke
    if settings.llm == "extractive":
        return AnswererChoice(extractive, checker.vectors)
    from careerbot.answering.condense import MAX_TOKENS, Condenser
    from careerbot.answering.llm import LLMAnswerer

    chat = chat_model(settings)
    budget = None
    if settings.llm == "llamacpp":
        room = settings.llm_context_size - settings.llm_max_tokens - _PROMPT_OVERHEAD_TOKENS
        budget = max(room, 200) * _CHARS_PER_TOKEN
    answerer = LLMAnswerer(
        chat,
        name=settings.llm,
        checker=checker,
        fallback=extractive,
        max_sources=settings.llm_max_sources,
        max_source_chars=budget,
        timeout=settings.llm_timeout,
    )
    condenser = Condenser(chat_model(settings, max_tokens=MAX_TOKENS))
    return AnswererChoice(answerer, checker.vectors, condenser)
