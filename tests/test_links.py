"""Section links: the app's article pages, or canonical URLs."""

from __future__ import annotations

from careerbot.links import article_path, section_url
from careerbot.settings import Settings


def test_section_links_by_mode_and_origin() -> None:
    app = Settings(app_url="https://bot.example.com/")
    assert article_path("s") == "/articles/s"
    assert section_url(app, slug="s", anchor="a", canonical_url="https://x.example/s") == (
        "https://bot.example.com/articles/s#a"
    )
    assert section_url(app, slug="s", anchor="", canonical_url="") == (
        "https://bot.example.com/articles/s"
    )
    canonical = Settings(link_mode="canonical")
    assert section_url(canonical, slug="s", anchor="a", canonical_url="https://x.example/s") == (
        "https://x.example/s#a"
    )
    assert section_url(canonical, slug="s", anchor="a", canonical_url="") == "/articles/s#a"
    assert (
        section_url(
            Settings(), slug="s", anchor="a", canonical_url="https://x.example/s", local=False
        )
        == "https://x.example/s#a"
    )
