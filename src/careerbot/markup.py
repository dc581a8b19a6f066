"""Article data made safe to show as Markdown or HTML: text that stays text, links that stay ours.

Everything an article (or a language model quoting one) writes reaches readers through Markdown:
the chat (Gradio renders Markdown, then sanitises the HTML, which still keeps ``<img>`` and
links), ``careerbot ask`` (rich) and notebooks. Nothing of it may become a tag, a link or an
image, so every piece is escaped where it is put into Markdown, and every URL is checked and
percent-encoded where it becomes a link. Knows no careerbot type.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

MARKER_BODY = r"\[\s*\d+(?:\s*,\s*\d+)*\s*\]"
"""A citation marker, ``[1]`` or ``[1, 2]``: the one bracket an answer keeps live."""
_MARKER = re.compile(MARKER_BODY)
# Every character that can open inline markup (emphasis, code, links, images, HTML, entities,
# tables, strike-through, LaTeX) or a heading; ``( ) : .`` mean nothing without them.
_ALL_SPECIALS = re.compile(r"([\\`*_\[\]<>#!|~&$])")
# What can open a tag, an autolink, a link or an image in running text.
_LIVE = re.compile(r"([\\<\[\]])")
# After a marker: "(" would make it a link's text, ":" a link reference definition.
_AFTER_MARKER = re.compile(r"(" + MARKER_BODY + r")([(:])")
# Characters percent-encoded in a link destination: they could end it, open a title or a tag,
# or are never valid in a URL.
_URL_SAFE = "/:?#@!$&'*+,;=%~-._"


def markdown_text(text: str) -> str:
    """``text`` as Markdown that renders as exactly this text, on one line: no emphasis, link,
    image, code, heading, list, table cell or HTML."""
    return _ALL_SPECIALS.sub(r"\\\1", " ".join(text.split()))


def inline_markdown(text: str) -> str:
    """A sentence of an answer as Markdown: ``[n]`` markers, emphasis and code spans stay, but
    nothing in it can become an HTML tag, an autolink, a link or an image.

    Lighter than :func:`markdown_text`, so ordinary text (``a (b)``, ``e.g.``) stays as it was
    written in the API's JSON; what is escaped is only what could make markup live.
    """
    out = []
    at = 0
    for m in _MARKER.finditer(text):
        out.append(_LIVE.sub(r"\\\1", text[at : m.start()]))
        out.append(m.group(0))
        at = m.end()
    out.append(_LIVE.sub(r"\\\1", text[at:]))
    return _AFTER_MARKER.sub(r"\1\\\2", "".join(out))


def safe_url(url: str) -> str:
    """``url`` fit for a Markdown link destination or an HTML attribute: an ``http(s)`` URL with
    a host, or a path on this site (``/articles/...``), with every character that could end the
    link (``( ) < > "`` space …) percent-encoded; ``""`` for anything else (``javascript:``,
    ``data:``, ``//host``), which callers show as text instead of a link."""
    url = url.strip()
    if url.startswith("/") and not url.startswith(("//", "/\\")):
        return _encode(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return _encode(url)


def _encode(url: str) -> str:
    return quote(url, safe=_URL_SAFE)


def markdown_link(text: str, url: str) -> str:
    """``[text](url)`` with ``text`` escaped and ``url`` checked; the text alone when the URL
    is not one careerbot links to."""
    href = safe_url(url)
    label = markdown_text(text)
    return f"[{label}]({href})" if href else label
