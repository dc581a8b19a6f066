"""Section links: the app's article pages, or canonical URLs."""

from __future__ import annotations

from careerbot.bot import CareerBot
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


def test_absolute_links_for_readers_outside_the_app() -> None:
    canonical = "https://careers.example.com/articles/s"
    plain = Settings()
    assert section_url(plain, slug="s", anchor="a", canonical_url=canonical) == "/articles/s#a"
    outside = section_url(plain, slug="s", anchor="a", canonical_url=canonical, absolute=True)
    assert outside == f"{canonical}#a"
    app = Settings(app_url="https://bot.example.com")
    assert (
        section_url(app, slug="s", anchor="a", canonical_url=canonical, absolute=True)
        == "https://bot.example.com/articles/s#a"
    )


def test_the_web_app_keeps_relative_links(shared_bot: CareerBot) -> None:
    bot = CareerBot(shared_bot.settings, embedder=shared_bot.embedder, absolute_links=False)
    assert bot.retrieve("Which role pays more?", k=1)[0].url.startswith("/articles/")
    assert bot.ask("Which role pays more?").citations[0].url.startswith("/articles/")
