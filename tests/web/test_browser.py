"""A reader in a real headless Chromium: ask in the chat, follow a source link to its section."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_reader_asks_and_a_source_link_lands_on_its_section(
    app_server: str, browser: object, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    page.set_default_timeout(90_000)  # the first load of Gradio's front end is slow on 2 cores
    page.goto(app_server, wait_until="domcontentloaded")
    box = page.get_by_placeholder("Ask a career question…")
    box.fill("Is a cloud certification worth getting?")
    box.press("Enter")
    link = page.locator(".message a[href*='/articles/']").first
    link.wait_for(timeout=60_000)
    bot_text = page.locator(".message").last.inner_text()
    assert "[1]" in bot_text and "Sources" in bot_text
    page.screenshot(path=str(tmp_path / "chat.png"))

    href = link.get_attribute("href")
    assert href and "#" in href
    anchor = href.split("#", 1)[1]
    article = browser.new_page(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    article.goto(href if href.startswith("http") else app_server + href)
    heading = article.locator(f"[id='{anchor}']")
    assert heading.count() == 1
    assert heading.evaluate("el => el.tagName") in ("H1", "H2", "H3")
    # The browser scrolled the section into view: its heading is inside the viewport.
    top = heading.evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top < 900
    article.screenshot(path=str(tmp_path / "article.png"))


def test_bad_input_shows_an_error_and_the_chat_keeps_working(
    app_server: str, browser: object
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.set_default_timeout(90_000)
    page.goto(app_server, wait_until="domcontentloaded")
    box = page.get_by_placeholder("Ask a career question…")
    box.fill("x" * 5000)
    box.press("Enter")
    page.get_by_text("the limit is 2,000").first.wait_for(timeout=60_000)
    box.fill("Which role pays more?")
    box.press("Enter")
    page.locator(".message a[href*='/articles/']").first.wait_for(timeout=60_000)


def test_the_chat_works_under_the_content_security_policy(app_server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.set_default_timeout(90_000)
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', "
        "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    response = page.goto(app_server, wait_until="domcontentloaded")
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    box = page.get_by_placeholder("Ask a career question…")
    box.fill("Which role pays more?")
    box.press("Enter")
    page.locator(".message a[href*='/articles/']").first.wait_for(timeout=60_000)
    assert page.evaluate("window.__csp") == []
    assert not [m for m in console if "Content Security Policy" in m], console
    # An injected inline script without the nonce is blocked.
    page.evaluate(
        "() => { const s = document.createElement('script'); "
        "s.textContent = 'window.__ran = 1'; document.body.appendChild(s); }"
    )
    assert page.evaluate("window.__ran") is None
