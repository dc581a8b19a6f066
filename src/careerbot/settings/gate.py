"""Settings of ``careerbot ingest --check``: the gate a re-ingest passes before it goes live."""

from __future__ import annotations

from pydantic import BaseModel, Field


class GateSettings(BaseModel):
    """How much quality a re-ingest may lose, and which logged questions it is re-asked."""

    check_max_drop: float = Field(
        0.02,
        ge=0,
        le=1,
        description="`careerbot ingest --check` refuses to publish when a gold metric (hit@3, "
        "refusal accuracy, answered rate; shares from 0 to 1) drops by more than this "
        "(`--max-drop` for one run). On eval/gold.jsonl (74 answerable, 20 unanswerable "
        "questions) one lost hit is 0.014, so a removed section (two questions) blocks and one "
        "borderline question does not; one unanswerable question answered (0.05) blocks.",
    )
    check_log_days: float = Field(
        7,
        gt=0,
        description="`ingest --check` also re-asks the distinct questions readers asked in "
        "these last days (from the question log), to list the answers that would change.",
    )
    check_log_questions: int = Field(
        200,
        ge=0,
        description="At most this many logged questions are re-asked by `ingest --check` (the "
        "most often asked first, then the latest).",
    )
