"""Settings of the corpus, the index and the embedding model."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from careerbot.settings.paths import default_corpus_dir, default_data_dir

# HNSW defaults from bench/hnsw.py at 100k chunks (README, HNSW settings). Chroma's own (16
# links, 100, 100) found 0.84 of the exact top 10; 32 links with ef_search 200 found 0.90-0.95
# depending on the build (Chroma builds in parallel, so two builds differ). 48 links with
# ef_search 300 found 0.98 on two builds, at a few ms per query.
HNSW_EF_SEARCH = 300
HNSW_EF_CONSTRUCTION = 200
HNSW_MAX_NEIGHBORS = 48


class StorageSettings(BaseModel):
    """Where articles and the index live, and how sections are embedded and stored."""

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
    chroma_timeout: float = Field(
        10.0,
        ge=1.0,
        le=600.0,
        description="With chroma_host: seconds one call to the server may take (an ingest's "
        "largest write included) before the server counts as unreachable; a server that "
        "accepts connections but never answers then gets a 503 'retrying', not a hung request.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the database for state shared by every editor and "
        "replica: the ingest records, the ingest lock and the articles the pages show "
        "(e.g. `postgresql+psycopg://careerbot@db.internal/careerbot`). Unset: SQLite at "
        "`<data_dir>/careerbot.sqlite3`, which only this machine sees.",
    )
    generation_check_seconds: float = Field(
        0.5,
        gt=0,
        le=1.0,
        description="With chroma_host: how often a reader asks the server for the index's "
        "generation (in the collection's metadata), to learn that an ingest elsewhere changed "
        "it and rebuild its keyword index and titles list.",
    )
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
