"""Article pages in a real headless Chromium: the cited sentence highlighted, and dark mode."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.slow

SHOTS = Path("/tmp/careerbot-shots")
"""Where the screenshots are copied for a reviewer to look at."""
VIEWPORT = {"width": 1200, "height": 900}

SLUG = "cloud-certifications-worth-it-2026"
PAIRING = "Pairing a certification with a shipped project"
# From corpus/cloud-certifications-worth-it-2026.md, as a snippet has them: Markdown stripped.
LINKED = "That is the same step our ML engineer vs data scientist guide recommends for everyone."
LONG = (
    "The strongest combination is a cloud ML engineering certification plus one model shipped "
    "into production end to end on the same cloud: a data pipeline, a deployed endpoint, "
    "monitoring, and a write-up of what broke."
)
LIST_ITEM = "You already run production systems on that cloud; the shipped work speaks louder."
PAYS_OFF = "When a certification pays off and when it does not"


@pytest.fixture(scope="module")
def anchors(app_server: str, browser: Any) -> dict[str, str]:
    """The article's section headings (their text) and their ids, read from the page."""
    page = browser.new_page()
    page.goto(f"{app_server}/articles/{SLUG}")
    found: dict[str, str] = page.eval_on_selector_all(
        "h2[id]", "hs => Object.fromEntries(hs.map(h => [h.textContent.trim(), h.id]))"
    )
    page.close()
    assert PAIRING in found and PAYS_OFF in found, found
    return found


def cited_url(base: str, cite: str, anchor: str) -> str:
    """An article link as the chat makes it: ``?cite=<sentence>#<section anchor>``."""
    return f"{base}/articles/{SLUG}?cite={quote(cite, safe='')}#{anchor}"


def marks(page: Any) -> list[dict[str, Any]]:
    """Each ``mark.cited`` on the page: its text, id, tabindex and whether it holds a link."""
    return page.eval_on_selector_all(
        "mark.cited",
        "ms => ms.map(m => ({text: m.textContent, id: m.id, tabindex: m.getAttribute('tabindex'),"
        " link: !!m.closest('a') || !!m.querySelector('a')}))",
    )


def joined(found: list[dict[str, Any]]) -> str:
    return " ".join("".join(m["text"] for m in found).split())


def open_article(browser: Any, url: str, **media: str) -> tuple[Any, list[str]]:
    """A new page at ``url`` (after ``emulate_media(**media)``) and the dialogs it opened."""
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(30_000)
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    if media:
        page.emulate_media(**media)
    page.goto(url, wait_until="load")
    return page, dialogs


def assert_focused_in_view(page: Any) -> None:
    """The first mark has focus and is inside the viewport, near its middle."""
    assert page.evaluate("document.activeElement === document.querySelector('mark.cited')")
    assert page.evaluate("document.activeElement.id") == "cited"
    box = page.evaluate("[...document.getElementById('cited').getClientRects()].map(r => r.top)")
    height = VIEWPORT["height"]
    assert box and all(height * 0.2 < top < height * 0.8 for top in box), box  # centred


def save(page: Any, tmp_path: Path, name: str) -> Path:
    shot = tmp_path / name
    page.screenshot(path=str(shot))
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, SHOTS / name)
    return shot


def test_the_cited_sentence_with_a_link_is_marked_focused_and_in_view(
    app_server: str, browser: Any, anchors: dict[str, str], tmp_path: Path
) -> None:
    page, dialogs = open_article(browser, cited_url(app_server, LINKED, anchors[PAIRING]))
    page.wait_for_selector("mark.cited")
    found = marks(page)
    assert joined(found) == LINKED
    assert len(found) > 1 and any(m["link"] for m in found)  # the sentence spans its link
    assert found[0]["id"] == "cited" and found[0]["tabindex"] == "-1"
    assert [m["id"] for m in found[1:]] == [""] * (len(found) - 1)
    assert_focused_in_view(page)
    # The #anchor still names its heading; the page only wrapped text it already had.
    assert page.evaluate("document.querySelector(':target').id") == anchors[PAIRING]
    assert LINKED in " ".join(page.inner_text("main").split())
    assert save(page, tmp_path, "article-cited.png").stat().st_size > 10_000
    assert dialogs == []


def test_a_list_item_is_marked(app_server: str, browser: Any, anchors: dict[str, str]) -> None:
    page, _ = open_article(browser, cited_url(app_server, LIST_ITEM, anchors[PAYS_OFF]))
    page.wait_for_selector("mark.cited")
    assert joined(marks(page)) == LIST_ITEM
    assert page.evaluate("document.querySelector('mark.cited').closest('li') !== null")
    assert_focused_in_view(page)


def test_a_snippet_cut_with_an_ellipsis_is_found(
    app_server: str, browser: Any, anchors: dict[str, str]
) -> None:
    cut = LONG[:120].rsplit(" ", 1)[0]  # cut at a word, as the chat cuts a long snippet
    page, _ = open_article(browser, cited_url(app_server, cut + "…", anchors[PAIRING]))
    page.wait_for_selector("mark.cited")
    assert joined(marks(page)) == cut
    assert_focused_in_view(page)


@pytest.mark.parametrize(
    "cite",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "A sentence this article never says.",
        "…",
    ],
)
def test_a_cite_not_on_the_page_marks_nothing_and_adds_nothing(
    app_server: str, browser: Any, anchors: dict[str, str], cite: str
) -> None:
    page, dialogs = open_article(browser, cited_url(app_server, cite, anchors[PAIRING]))
    page.wait_for_timeout(300)
    assert page.locator("mark").count() == 0
    assert page.locator("img").count() == 0
    assert page.locator("main script").count() == 0
    dom = page.content()
    assert "alert(1)" not in dom and "onerror" not in dom and "never says" not in dom
    assert dialogs == []
    # The #anchor alone still lands on the section.
    top = page.evaluate("document.querySelector(':target').getBoundingClientRect().top")
    assert 0 <= top < VIEWPORT["height"]


def luminance(css: str) -> float:
    """WCAG relative luminance of a computed ``rgb(...)``/``rgba(...)`` colour."""
    r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


COLOURS = """() => {
  const c = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
  return {
    bg: c('body', 'backgroundColor'), text: c('body', 'color'), link: c('main a', 'color'),
    meta: c('.meta', 'color'), target: c(':target', 'backgroundColor'),
    targetText: c(':target', 'color'), mark: c('mark.cited', 'backgroundColor'),
    markText: c('mark.cited', 'color'), markLink: c('a mark.cited', 'color'),
  };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_colour_is_readable_in_both_schemes(
    app_server: str, browser: Any, anchors: dict[str, str], scheme: str, tmp_path: Path
) -> None:
    url = cited_url(app_server, LINKED, anchors[PAIRING])
    page, _ = open_article(browser, url, color_scheme=scheme)
    page.wait_for_selector("mark.cited")
    colours = page.evaluate(COLOURS)
    dark = luminance(colours["bg"]) < 0.05 and luminance(colours["text"]) > 0.7
    light = luminance(colours["bg"]) > 0.9 and luminance(colours["text"]) < 0.05
    assert dark if scheme == "dark" else light, colours
    assert page.evaluate("document.querySelector('meta[name=color-scheme]').content") == (
        "light dark"
    )
    pairs = {
        "text": ("text", "bg"),
        "link": ("link", "bg"),
        "meta": ("meta", "bg"),
        "target heading": ("targetText", "target"),
        "cited": ("markText", "mark"),
        "cited link": ("markLink", "mark"),
    }
    for name, (fg, bg) in pairs.items():
        assert contrast(colours[fg], colours[bg]) >= 4.5, (name, colours)  # WCAG AA
    assert contrast(colours["mark"], colours["bg"]) > 1.5  # the highlight stands out
    if scheme == "dark":
        save(page, tmp_path, "article-dark.png")
        index = browser.new_page()
        index.emulate_media(color_scheme="dark")
        index.goto(f"{app_server}/articles")
        bg = index.evaluate("getComputedStyle(document.body).backgroundColor")
        link = index.evaluate("getComputedStyle(document.querySelector('li a')).color")
        assert luminance(bg) < 0.05 and contrast(link, bg) >= 4.5
