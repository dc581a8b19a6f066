"""A hostile article: markup in its front matter, text and headings that must never go live."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

HOSTILE_URL = (
    "https://careers.example.com/a)![pwn](http://evil.example/track.png)[more](http://evil.example"
)
"""Front-matter url with a ``)`` that closed the Sources link and opened an image and a link."""

HOSTILE = f"""---
title: "Night shift <img src=x onerror=alert(1)> nursing [click](javascript:alert(1))"
slug: night-shift-nursing
url: "{HOSTILE_URL}"
updated: 2026-01-05
---

# Night shift nursing

## Night shift pay <script>alert('h2')</script>

Night shift nurses earn a pay differential of about 15 percent <img src=x onerror=alert(1)> on top of the base rate.
The differential <script>alert(2)</script> is paid for every hour worked between 7 pm and 7 am.
A night shift [differential guide](javascript:alert(3)) explains how the differential is counted.
Hospitals ![tracking pixel](http://evil.example/pixel.png) publish the night shift differential in the pay scale.
Ask about the night shift differential \\[before you sign\\]\\(javascript:alert(4)\\) the offer.
"""

QUESTION = "How much is the night shift pay differential for nurses?"

EVIL_HOST = "evil.example"


def write_hostile_corpus(folder: Path) -> Path:
    """A corpus folder holding only the hostile article."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "night-shift-nursing.md").write_text(HOSTILE, encoding="utf-8")
    return folder


def render_gfm(markdown: str) -> str:
    """Markdown rendered as a browser would get it from a renderer that allows raw HTML (as
    Gradio's marked does before its sanitiser), so anything left live shows up as a tag."""
    return MarkdownIt("gfm-like", {"html": True, "linkify": False}).render(markdown)


def live_markup(html: str) -> list[str]:
    """Tags and links in rendered HTML that came from the article: any img/script, any link
    that is not a plain http(s) link to the corpus site or a page of the app."""
    found = re.findall(r"<(?:img|script|iframe|svg)\b[^>]*>", html, re.IGNORECASE)
    for href in re.findall(r"<a\s[^>]*href=\"([^\"]*)\"", html, re.IGNORECASE):
        parts = urlsplit(href)
        ours = parts.scheme == "https" and parts.hostname == "careers.example.com"
        if not (ours or (not parts.scheme and href.startswith("/articles/"))):
            found.append(href)
    return found
