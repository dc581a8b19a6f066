"""Settings of the optional language model."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr


class LLMSettings(BaseModel):
    """Who writes answers, and how the language model is reached."""

    llm: Literal["extractive", "llamacpp", "openai"] = Field(
        "extractive",
        description="Who writes answers: `extractive` (no LLM: the articles' own sentences), "
        "`llamacpp` (a GGUF model in-process; `pip install 'careerbot[llamacpp]'`) "
        "or `openai` (any OpenAI-compatible `/v1` server: llama.cpp server, Ollama, "
        "vLLM, hosted). See [Generative "
        "answers](README.md#generative-answers-an-llm).",
    )
    llm_model_path: Path | None = Field(
        None, description="The GGUF model file, with `llm=llamacpp`."
    )
    llm_base_url: str = Field(
        "",
        description="Base URL of the OpenAI-compatible server, with `llm=openai`, e.g. "
        "`http://127.0.0.1:8080/v1` (llama.cpp server) or "
        "`http://127.0.0.1:11434/v1` (Ollama).",
    )
    llm_model: str = Field(
        "", description="Model name sent to the server, with `llm=openai` (e.g. `qwen2.5:1.5b`)."
    )
    llm_api_key: SecretStr = Field(
        SecretStr(""),
        description="API key for the server, with `llm=openai`. Empty: a placeholder is sent "
        "(local servers ignore it).",
    )
    llm_timeout: float = Field(
        30.0,
        gt=0,
        description="Seconds to wait for the language model's next token (and to connect). Past "
        "it, the reader gets the extractive answer with a notice.",
    )
    llm_max_tokens: int = Field(
        512, ge=16, le=8192, description="Most tokens the language model writes per answer."
    )
    llm_temperature: float = Field(
        0.0, ge=0.0, le=2.0, description="Sampling temperature; 0 answers the same way each time."
    )
    llm_context_size: int = Field(
        4096,
        ge=512,
        description="Context window (tokens) of the llamacpp model; sources that would not fit "
        "beside the answer are left out of the prompt.",
    )
    llm_max_sources: int = Field(
        4, ge=1, le=20, description="Most retrieved sections put in the language model's prompt."
    )
