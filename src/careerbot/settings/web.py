"""Settings of what readers see: the links in answers and the web app."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class WebSettings(BaseModel):
    """Where citation links point, and how the web app serves readers."""

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
    web_concurrency: int = Field(
        8,
        ge=1,
        le=64,
        description="Answers the web app works on at once with `llm=extractive` (chat and `POST "
        "/api/ask` together); more readers wait in the queue.",
    )
    llm_concurrency: int = Field(
        1,
        ge=1,
        le=64,
        description="Answers the language model writes at once (chat and `POST /api/ask` "
        "together). 1 suits `llamacpp` (one model in-process); an `openai` server may serve "
        "more.",
    )
    queue_max_size: int = Field(
        64,
        ge=1,
        description="Chat readers who may wait for a turn; past it a reader is told the app is "
        "busy and to try again.",
    )
    busy_timeout: float = Field(
        10.0,
        gt=0,
        description="Seconds `POST /api/ask` waits for a turn before answering 503 (busy, with "
        "`Retry-After`).",
    )
    frame_ancestors: str = Field(
        "'self'",
        description="Who may show the app in a frame: the CSP `frame-ancestors` value, e.g. "
        "`'self' https://careers.example.com`, or `'none'`.",
    )
    allowed_hosts: tuple[str, ...] = Field(
        ("localhost", "127.0.0.1", "::1"),
        description="Host names the app answers to when bound beyond loopback (`--host "
        "0.0.0.0`): add the public name, e.g. `bot.example.com`. Other Host headers get 400.",
    )
