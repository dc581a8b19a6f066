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
