"""Settings of what careerbot keeps of readers' questions and feedback, and who may see it."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr


class FeedbackSettings(BaseModel):
    """The question log, reader feedback, how long both are kept, and the admin page."""

    question_log: bool = Field(
        True,
        description="Keep every question in the database (whether it was refused, its top "
        "section and similarity, latency, backend) for `careerbot report` and `/admin`. Off: "
        "nothing about a question is stored unless its reader gives feedback.",
    )
    retention_days: float = Field(
        90,
        gt=0,
        description="Days logged questions and feedback are kept; older rows are deleted (at "
        "most hourly, by the app, and by `careerbot report`).",
    )
    admin_token: SecretStr | None = Field(
        None,
        description="Bearer token of the `/admin` page (the report in a browser: "
        "`Authorization: Bearer <token>`). Unset: the page is off (404).",
    )
