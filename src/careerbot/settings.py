"""The one configuration object. Every field can be set as a ``CAREERBOT_<FIELD>`` variable."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# HNSW defaults from bench/hnsw.py at 100k chunks (README, HNSW settings). Chroma's own (16
# links, 100, 100) found 0.84 of the exact top 10; 32 links with ef_search 200 found 0.90-0.95
# depending on the build (Chroma builds in parallel, so two builds differ). 48 links with
# ef_search 300 found 0.98 on two builds, at a few ms per query.
HNSW_EF_SEARCH = 300
HNSW_EF_CONSTRUCTION = 200
HNSW_MAX_NEIGHBORS = 48
APP_NAME = "careerbot"


def checkout() -> Path | None:
    """The careerbot checkout the working directory is in: the working directory or the
    nearest folder above it holding ``corpus/`` with Markdown articles; None outside one."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        corpus = folder / "corpus"
        if corpus.is_dir() and next(corpus.glob("*.md"), None) is not None:
            return folder
    return None


def user_data_dir() -> Path:
    """The per-user data folder (``~/.local/share/careerbot`` on Linux); not created here."""
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def _in_checkout(name: str) -> Path | None:
    root = checkout()
    if root is None:
        return None
    return Path(name) if root == Path.cwd() else root / name


def default_corpus_dir() -> Path:
    """``corpus`` in a checkout, else ``corpus`` in the per-user data folder."""
    return _in_checkout("corpus") or user_data_dir() / "corpus"


def default_data_dir() -> Path:
    """``.careerbot`` in a checkout, else the per-user data folder."""
    return _in_checkout(".careerbot") or user_data_dir()


class Settings(BaseSettings):
    """careerbot's settings: built once (usually from the environment) and passed in."""

    model_config = SettingsConfigDict(env_prefix="CAREERBOT_", frozen=True, extra="ignore")

    corpus_dir: Path = Field(
        default_factory=default_corpus_dir,
        description="Folder of Markdown articles to ingest (relative paths are taken from the "
        "working directory). Unset: `corpus` in a careerbot checkout (the working directory, "
        "or the nearest folder above it, that holds `corpus/*.md`), else `corpus` in the "
        "per-user data folder (`~/.local/share/careerbot` on Linux).",
        json_schema_extra={"readme_default": "`corpus`"},
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where the embedded Chroma index lives (relative to the working directory); "
        "the database is `<data_dir>/chroma`. Unset: `.careerbot` in a careerbot checkout, else"
        " the per-user data folder. Nothing is created there until something is written.",
        json_schema_extra={"readme_default": "`.careerbot`"},
    )
    collection: str = Field(
        "careerbot",
        min_length=3,
        description="Prefix of the Chroma collection; the model and dimension are appended "
        "(`careerbot-all-minilm-l6-v2-384`).",
    )
    chroma_host: str | None = Field(
        None,
        description="Host of a Chroma server (`chroma run`). Unset: embedded Chroma in data_dir.",
    )
    chroma_port: int = Field(8000, description="Port of the Chroma server, with chroma_host.")
    embed_batch_size: int = Field(
        32, ge=1, le=1024, description="Texts per embedding batch during ingest."
    )
    embed_backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        "onnx",
        description="How the embedding model runs. `onnx`: exported to ONNX once (into "
        "model_cache_dir) with onnxruntime's BERT fusions and run by onnxruntime; "
        "same vectors as `torch` (same collection), loads without torch. "
        "`onnx-int8`: smoothed int8 weights, with the two most sensitive "
        "multiplications in fp32: about 1.6× the chunks/s of `onnx` (123 against 78 "
        "on the 50 bench articles), slightly different vectors (own collection, so "
        "switching re-embeds the corpus; gold Recall@5 0.946 against fp32's 0.960 "
        "dense and 0.960 against 0.973 hybrid, one question each; see [Retrieval "
        "modes and embedding "
        "backends](README.md#retrieval-modes-and-embedding-backends)). `torch`: "
        "sentence-transformers. An ONNX backend that cannot be exported or loaded "
        "logs a warning and falls back to torch.",
    )
    embed_bf16: Literal["auto", "on", "off"] = Field(
        "auto",
        description="bfloat16 for ingest on CPUs that multiply it natively (AMX or AVX512-BF16):"
        " the documents are embedded by torch with bfloat16 matrix products, "
        "2.3–2.6× the chunks/s (two days measured), vectors within cosine 0.99998 of"
        " float32 (same collection); queries stay on embed_backend. `auto`: for "
        "ingests of 256 chunks or more (below that, loading torch costs more than it"
        " saves); `on`: always; `off`: never. Not used with onnx-int8.",
    )
    model_cache_dir: Path | None = Field(
        None,
        description="Where ONNX exports of the embedding model are cached (shared by every "
        "data_dir). Unset: `$XDG_CACHE_HOME/careerbot`, else `~/.cache/careerbot`.",
    )
    index_batch_size: int = Field(
        100, ge=1, description="Chunks per write batch of `langchain_core.indexing.index`."
    )
    hnsw_ef_search: int = Field(
        HNSW_EF_SEARCH,
        ge=1,
        le=10_000,
        description="HNSW candidate list per query: higher finds the true nearest chunks more "
        "often, slower. Applies to an existing index too (set when the index is "
        "opened). See the recall/latency table under [HNSW "
        "settings](README.md#hnsw-settings).",
    )
    hnsw_ef_construction: int = Field(
        HNSW_EF_CONSTRUCTION,
        ge=1,
        le=10_000,
        description="HNSW candidate list while building: higher builds a better graph, slower "
        "ingest. Fixed when the collection is created (change it with `careerbot "
        "ingest --rebuild`).",
    )
    hnsw_max_neighbors: int = Field(
        HNSW_MAX_NEIGHBORS,
        ge=2,
        le=256,
        description="HNSW links per vector (M): higher recall and memory. Fixed when the "
        "collection is created (change it with `careerbot ingest --rebuild`).",
    )
    fetch_timeout: float = Field(10.0, gt=0, description="Seconds before a web request gives up.")
    fetch_retries: int = Field(
        2, ge=0, le=10, description="Extra tries for a page that times out or answers 5xx."
    )
    fetch_max_bytes: int = Field(
        2_000_000, ge=1000, description="Largest web page accepted, in bytes."
    )
    crawl_depth: int = Field(
        1, ge=0, le=5, description="How many links away from a given URL to follow (same site)."
    )
    top_k: int = Field(5, ge=1, le=50, description="Sections retrieved per question.")
    retrieval_mode: Literal["hybrid", "dense", "bm25"] = Field(
        "hybrid",
        description="`hybrid`: embedding similarity plus a BM25 keyword bonus (best on the gold "
        "and inverse-cloze sets, see [Quality](README.md#quality)). `dense`: "
        "embeddings only. `bm25`: keywords only.",
    )
    hybrid_weight: float = Field(
        0.2,
        ge=0.0,
        le=2.0,
        description="Largest keyword bonus added to a cosine similarity in hybrid mode (scaled "
        "by how clearly BM25's best chunk stands out). 0 is dense-only.",
    )
    mmr_lambda: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description="Maximal marginal relevance: 1 ranks by relevance only; lower values trade "
        "relevance for sections that differ from those already picked.",
    )
    min_relevance: float = Field(
        0.22,
        ge=-1.0,
        le=1.0,
        description="Cosine similarity the best section must reach, or the bot politely refuses."
        " Calibrated with `careerbot eval --calibrate`.",
    )
    confident_relevance: float = Field(
        0.45,
        ge=-1.0,
        le=1.0,
        description="Below this cosine similarity a question must also share a content word "
        "with the top sections to be answered; at or above it, and for a follow-up that finds "
        "this much alone, similarity is enough. Calibrated on the dev split of `eval/`.",
    )
    answer_max_sentences: int = Field(
        5,
        ge=1,
        le=20,
        description="Most sentences in an extractive answer (list lead-ins not counted).",
    )
    answer_max_sources: int = Field(
        3, ge=1, le=10, description="Most sections an extractive answer quotes from."
    )
    max_question_chars: int = Field(
        2000, ge=10, description="Longest question accepted, in characters."
    )
    history_turns: int = Field(
        6, ge=0, description="Most previous chat messages looked at to understand a follow-up."
    )
    link_mode: Literal["app", "canonical"] = Field(
        "app",
        description="`app`: citation links open the article pages served by careerbot (work "
        "offline). `canonical`: links point at each article's front-matter url, for "
        "a bot deployed beside the publisher's site.",
    )
    app_url: str = Field(
        "",
        description="Prefix for `app` links, e.g. `https://bot.example.com`. Empty: links are "
        "relative (`/articles/<slug>#<anchor>`), which is right inside the web app.",
    )
    verify_mode: Literal["mark", "drop"] = Field(
        "mark",
        description="What the citation checker does with a sentence the sections it cites do not"
        " support: `mark` keeps it with a visible *(⚠ unverified)* flag, `drop` "
        "removes it. Either way the answer lists it (`flagged` / `dropped` in `ask "
        "--json`). See [Verified citations](README.md#verified-citations).",
    )
    verify_min_similarity: float = Field(
        0.30,
        ge=-1.0,
        le=1.0,
        description="Cosine similarity a sentence must reach with a sentence (or two consecutive"
        " sentences) of a section it cites to count as supported. Calibrated on the "
        "eval set (see [Verified citations](README.md#verified-citations)).",
    )
    verify_min_overlap: float = Field(
        0.70,
        ge=0.0,
        le=1.0,
        description="Share of a sentence's content words that the sections it cites must contain"
        " for it to count as supported. Calibrated with the similarity.",
    )
    navigation_headings: tuple[str, ...] = Field(
        ("Sources", "Continue your decision path", "Related reading", "Further reading"),
        description="Sections kept as link lists but not indexed for answers (case-insensitive "
        "heading match).",
    )

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

    @property
    def chroma_path(self) -> Path:
        """Folder of the embedded Chroma database."""
        return self.data_dir / "chroma"
