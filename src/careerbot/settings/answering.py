"""Settings of retrieval, answering and the citation checker."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class AnsweringSettings(BaseModel):
    """How questions are searched, answered, refused and checked."""

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
    heading_match: bool = Field(
        True,
        description="Score each candidate section by the better of its text's and its "
        "heading's similarity to the question (the heading discounted by 0.1). Calibrated on "
        "the dev split of `eval/` and the gold set: on, dev first-turn hit@3 0.875 → 0.917 and "
        "gold Recall@3/5 0.932/0.973 → 0.946/0.987, no figure lower.",
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
        description="Most sentences in an extractive answer (list lead-ins not counted, a list "
        "item counts half).",
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
    max_history_messages: int = Field(
        100,
        ge=0,
        description="Most earlier chat messages accepted with one question (`history` of `POST "
        "/api/ask`); more is refused with 422. Only the last `history_turns` are read; the chat "
        "sends only those.",
    )
    max_history_chars: int = Field(
        8000,
        ge=100,
        description="Longest earlier chat message accepted, in characters (an answer is well "
        "under it); a longer one is refused with 422, so nothing unbounded is ever embedded.",
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
