"""A hostile article in a real headless Chromium: the chat shows its markup as text, and no
element or link of its making exists in the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import running_app
from tests.hostile import QUESTION, write_hostile_corpus

pytestmark = pytest.mark.slow

# Elements in the chat's messages, and link hosts, that did not come from careerbot.
PROBE = """() => {
  const messages = [...document.querySelectorAll('.message')];
  const tags = messages.flatMap(m => [...m.querySelectorAll('img, script, iframe, svg image')]);
  const hosts = messages.flatMap(m => [...m.querySelectorAll('a[href]')])
    .map(a => new URL(a.href, location.href))
    .filter(u => !(u.host === 'careers.example.com' && u.protocol === 'https:') && u.host !== location.host)
    .map(u => u.href);
  return {tags: tags.map(t => t.outerHTML), hosts, alerted: window.__alerted || 0};
}"""


def test_the_chat_shows_a_hostile_article_as_text(browser: object, tmp_path: Path) -> None:  # noqa: F811
    corpus = write_hostile_corpus(tmp_path / "corpus")
    with running_app(
        tmp_path, CAREERBOT_CORPUS_DIR=str(corpus), CAREERBOT_LINK_MODE="canonical"
    ) as base:
        page = browser.new_page(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
        page.set_default_timeout(90_000)
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base, wait_until="domcontentloaded")
        box = page.get_by_placeholder("Ask a career question…")
        box.fill(QUESTION)
        box.press("Enter")
        page.locator(".message a[href*='careers.example.com']").first.wait_for(timeout=90_000)
        page.wait_for_timeout(1500)  # let any injected image or script try to load and run
        bot_text = page.locator(".message").last.inner_text()
        page.screenshot(path=str(tmp_path / "hostile-chat.png"))
        found = page.evaluate(PROBE)
    assert "Sources" in bot_text and "[1]" in bot_text
    assert "<img src=x onerror=alert(1)>" in bot_text  # the article's markup, shown literally
    assert found["tags"] == [] and found["hosts"] == []
    assert dialogs == []
