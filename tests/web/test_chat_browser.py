"""The chat as a reader uses it, in a real headless Chromium on a real app server: citation
previews on hover and keyboard focus, a marker landing on its highlighted sentence, follow-up
buttons, conversations kept across a reload, and a phone showing the answer's start.

Screenshots go to the test's tmp folder and to ``/tmp/careerbot-shots`` for a person to look
at."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.slow

QUESTION = "Is a cloud certification worth getting?"
AXE_VERSION = "4.14.1"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core from the npm registry, installed once into a cache folder."""
    folder = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "careerbot-axe"
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is missing: apt-get install npm (.ci/run installs it)")
        subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(folder),
                f"axe-core@{AXE_VERSION}",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return script


def axe_violations(page: Any, script: Path) -> list[dict[str, Any]]:
    """axe-core's WCAG 2 A/AA violations on the page as it is now."""
    page.add_script_tag(path=str(script))
    return page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', "
        "'wcag21aa', 'best-practice'], resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,"
        " targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )


def shot(page: Any, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"))
    folder = Path("/tmp/careerbot-shots")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(tmp_path / f"{name}.png", folder / f"{name}.png")


def ask(page: Any, question: str, answers_before: int = 0) -> Any:
    """Ask in the chat and wait for the answer's source cards; the last bot message."""
    box = page.locator("textarea").first  # its placeholder is gone after the first answer
    box.fill(question)
    box.press("Enter")
    cards = page.locator("[data-testid='bot'] .cb-sources")
    cards.nth(answers_before).wait_for(timeout=90_000)
    return page.locator("[data-testid='bot']").last


def open_chat(context: Any, url: str) -> Any:
    page = context.new_page()
    page.set_default_timeout(90_000)  # the first load of Gradio's front end is slow on 2 cores
    page.goto(url, wait_until="domcontentloaded")
    return page


def test_a_marker_previews_its_source_on_hover_and_keyboard_focus(
    app_server: str, browser: Any, tmp_path: Path
) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = open_chat(context, app_server)
    answer = ask(page, QUESTION)
    marker = answer.locator("a.cb-cite").first
    tip = marker.locator(".cb-tip")
    quote = answer.locator("q.cb-card-quote").first.inner_text()
    assert tip.bounding_box()["width"] <= 2  # hidden until asked for

    marker.hover()
    box = tip.bounding_box()
    assert box["width"] > 150 and box["height"] > 20
    assert "Source 1: " in tip.inner_text()
    assert quote.strip("“”") in tip.inner_text()
    shot(page, tmp_path, "chat-desktop-hover")

    page.mouse.move(0, 0)
    page.locator("textarea").first.focus()
    for _ in range(80):  # keyboard only: Tab until a marker has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('cb-cite')"):
            break
    else:
        pytest.fail("no citation marker is reachable with Tab")
    focused_tip = page.locator("a.cb-cite:focus .cb-tip")
    assert focused_tip.bounding_box()["width"] > 150
    context.close()


def test_a_marker_opens_its_section_with_the_cited_sentence_highlighted(
    app_server: str, browser: Any
) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = open_chat(context, app_server)
    answer = ask(page, QUESTION)
    marker = answer.locator("a.cb-cite").first
    assert marker.get_attribute("target") == "_blank"
    with context.expect_page() as opened:
        marker.click()
    article = opened.value
    article.wait_for_load_state()
    assert "/articles/" in article.url and "cite=" in article.url
    mark = article.locator("mark.cited").first
    mark.wait_for(timeout=10_000)
    quote = answer.locator("q.cb-card-quote").first.inner_text().strip("“”").rstrip("…")
    marked = " ".join(article.locator("mark.cited").all_inner_texts())
    assert " ".join(quote.split()) in " ".join(marked.split())
    top = mark.evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top < DESKTOP["height"]
    context.close()


def test_a_follow_up_button_asks_its_question(app_server: str, browser: Any) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = open_chat(context, app_server)
    ask(page, QUESTION)
    users = page.locator("[data-testid='user']")
    assert users.count() == 1
    option = page.locator("[data-testid='bot'] ~ * button.option, button.option").first
    label = option.inner_text().strip()
    assert label
    option.click()
    page.locator("[data-testid='bot'] .cb-sources").nth(1).wait_for(timeout=90_000)
    assert users.count() == 2
    assert label.lower().rstrip("?") in users.last.inner_text().lower()
    context.close()


def test_a_conversation_survives_a_reload(app_server: str, browser: Any, tmp_path: Path) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = open_chat(context, app_server)
    ask(page, QUESTION)
    # Saved (in local storage, encrypted by Gradio) once the answer has ended: the list of
    # earlier chats then shows it beside the chat itself.
    page.wait_for_function(
        "q => [...document.querySelectorAll('*')].filter(e => e.childElementCount === 0"
        " && e.textContent.trim() === q).length >= 2",
        arg=QUESTION,
    )
    page.reload(wait_until="domcontentloaded")
    saved = page.get_by_text(QUESTION).first
    saved.wait_for(timeout=60_000)
    saved.click()
    page.locator("[data-testid='bot'] a.cb-cite").first.wait_for(timeout=30_000)
    assert page.get_by_role("button", name="New chat").count() == 1
    shot(page, tmp_path, "chat-desktop-reloaded")
    context.close()


def test_on_a_phone_the_answer_starts_in_view(
    app_server: str, browser: Any, tmp_path: Path
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = open_chat(context, app_server)
    answer = ask(page, QUESTION)
    page.wait_for_timeout(500)
    top = answer.evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top < PHONE["height"] - 100, top
    # Inside the chat's own scrolling box too, not only the window.
    inside = answer.evaluate(
        "el => { let box = el.parentElement;"
        " while (box && box.scrollHeight <= box.clientHeight) box = box.parentElement;"
        " if (!box) return false; const b = box.getBoundingClientRect();"
        " const t = el.getBoundingClientRect().top; return t >= b.top - 1 && t < b.bottom; }"
    )
    assert inside
    cards = answer.locator("li.cb-card")
    assert cards.count() >= 2  # the premise: this answer cites two sections
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert second["y"] > first["y"] and abs(second["x"] - first["x"]) < 2  # stacked
    shot(page, tmp_path, "chat-phone")
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_core_finds_no_serious_violations(
    app_server: str, browser: Any, axe_script: Path, viewport: dict[str, int]
) -> None:
    # The test injects axe itself: the app's CSP would refuse the inline script, rightly.
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    page = open_chat(context, app_server)
    ask(page, QUESTION)
    found = {"chat": axe_violations(page, axe_script)}
    article = context.new_page()
    href = page.locator("a.cb-cite").first.get_attribute("href") or ""
    article.goto(urljoin(app_server + "/", href))
    article.locator("mark.cited").first.wait_for(timeout=10_000)
    found["article"] = axe_violations(article, axe_script)
    report = {name: [(v["id"], v["impact"], v["nodes"]) for v in vs] for name, vs in found.items()}
    print("axe-core", AXE_VERSION, json.dumps(report))
    serious = [v for vs in found.values() for v in vs if v["impact"] in ("serious", "critical")]
    assert not serious, json.dumps(serious, indent=1)
    context.close()


def test_a_refused_question_is_explained_at_the_box_without_stray_labels(
    app_server: str, browser: Any
) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = open_chat(context, app_server)
    page.locator("textarea").first.fill("x" * 5000)
    page.locator("textarea").first.press("Enter")
    page.get_by_text("the limit is 2,000").first.wait_for(timeout=60_000)
    assert page.get_by_text("Textbox", exact=True).count() == 0
    assert page.get_by_text("Please ask it in fewer words").first.is_visible()
    # Nothing dangles in the footer: its last visible item is a link, not a separator.
    footer = page.locator("footer").first
    visible = footer.evaluate(
        "f => [...f.children].filter(c => c.offsetParent !== null).map(c => c.innerText.trim())"
    )
    assert visible and visible[-1] not in ("·", "")
    context.close()
