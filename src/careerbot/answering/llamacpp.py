"""A LangChain chat model over llama-cpp-python, in-process (the ``llamacpp`` backend).

A small ``BaseChatModel`` of our own rather than ``langchain-community``'s ``ChatLlamaCpp``:
that package pulls in a large dependency tree for one class, and this one needs only
``Llama.create_chat_completion(stream=True)``, which applies the chat template stored in the
GGUF file. llama-cpp-python is an optional extra (``pip install 'careerbot[llamacpp]'``) and is
imported only when a model is loaded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field, PrivateAttr

from careerbot.errors import LLMConfigError, LLMError

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
# One Llama object cannot run two generations at once; the web app serves several readers.
_LOCKS: dict[int, threading.Lock] = {}


@lru_cache(maxsize=2)
def load_llama(path: Path, n_ctx: int) -> Any:
    """The GGUF model at ``path``, loaded once per process (``llama_cpp.Llama``)."""
    try:
        import llama_cpp
    except ImportError as exc:
        raise LLMConfigError(
            "CAREERBOT_LLM=llamacpp needs llama-cpp-python. Install it with: "
            "pip install 'careerbot[llamacpp]' (it builds from source in a few minutes)."
        ) from exc
    if not path.is_file():
        raise LLMConfigError(
            f"No GGUF model file at {path}. Set CAREERBOT_LLM_MODEL_PATH to a .gguf file "
            "(see README, 'Generative answers')."
        )
    try:
        # llama-cpp-python's default threads (half the cores): its threads spin at barriers,
        # and with every core taken one descheduled thread stalls the others (measured here:
        # 2 threads on 2 busy cores were several times slower than 1).
        return llama_cpp.Llama(model_path=str(path), n_ctx=n_ctx, verbose=False)
    except (ValueError, RuntimeError) as exc:
        raise LLMConfigError(
            f"llama.cpp could not load {path} ({exc}). Is it a GGUF model file?"
        ) from exc


class ChatLlamaCpp(BaseChatModel):
    """Chat completions from an in-process ``llama_cpp.Llama``, streamed token by token.

    ``timeout`` is the longest wait for the next token; llama.cpp cannot be interrupted inside
    one step, so it is checked as each token arrives and raises :class:`LLMError` when passed.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    client: Any = Field(exclude=True)
    """The ``llama_cpp.Llama`` object."""
    model_name: str = "gguf"
    max_tokens: int = 512
    temperature: float = 0.0
    timeout: float = 30.0
    _lock: threading.Lock = PrivateAttr()

    def model_post_init(self, context: Any, /) -> None:
        """Share one lock per Llama object between copies of this model."""
        super().model_post_init(context)
        self._lock = _LOCKS.setdefault(id(self.client), threading.Lock())

    @property
    def _llm_type(self) -> str:
        return "careerbot-llamacpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {
            "model_name": self.model_name,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
        }

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        chat = [{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages]
        # One generation at a time per model; a reader queued behind another waits at most the
        # timeout, then gets the quotes (LLMAnswerer's fallback) instead of an open-ended wait.
        if not self._lock.acquire(timeout=self.timeout):
            raise LLMError(f"the model is busy with another reader for over {self.timeout:g} s")
        try:
            last = time.monotonic()
            for chunk in self.client.create_chat_completion(
                messages=chat,
                stream=True,
                max_tokens=kwargs.get("max_tokens", self.max_tokens),
                temperature=kwargs.get("temperature", self.temperature),
                stop=stop or [],
            ):
                now = time.monotonic()
                if now - last > self.timeout:
                    raise LLMError(f"no token within {self.timeout:g} s")
                last = now
                choices = chunk.get("choices") or [{}]
                text = (choices[0].get("delta") or {}).get("content") or ""
                if not text:
                    continue
                piece = ChatGenerationChunk(message=AIMessageChunk(content=text))
                if run_manager is not None:
                    run_manager.on_llm_new_token(text, chunk=piece)
                yield piece
        finally:
            self._lock.release()

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(c.text for c in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])
