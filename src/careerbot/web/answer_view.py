"""An answer as the chat shows it: live ``[n]`` links with a preview, source cards, follow-ups.

Each ``[n]`` marker becomes a link to its section that opens in a new tab and shows the
section's name and the cited sentence on hover and on keyboard focus (its hidden text, shown
by the CSS of :mod:`careerbot.web.chat_style`). Under the answer, one card per source:
"Article › Section", when it was updated, and the cited sentence. A link to one of our article
pages carries the cited sentence as ``?cite=``, which the page highlights
(:mod:`careerbot.web.pages`); a link to an article elsewhere carries it as a text fragment.

Everything from an article or a reader is escaped here: the answer text is Markdown in which
only careerbot's structure is live (:mod:`careerbot.markup`); every value put into HTML goes
through :func:`html_text` (the chat parses Markdown around and inside inline HTML, so HTML
escaping alone would leave ``[a](url)``, backticks and emphasis live), every URL through
:func:`careerbot.markup.safe_url`.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote

from careerbot.answering.refusal import ABOUT
from careerbot.links import ARTICLES_PATH
from careerbot.markup import MARKER_BODY, safe_url
from careerbot.types import Answer, Citation

# What :func:`render` adds to an answer's text, taken off again when the chat hands its history
# back to the bot (the previews and cards would swamp a follow-up's context and its limits).
_CARDS = re.compile(r'\n*<section class="cb-sources".*?</section>', re.DOTALL)
_TIP = re.compile(r'<span class="cb-tip">.*?</span>', re.DOTALL)
_LINK = re.compile(r'<a class="cb-cite" [^>]*>(\[\d+\])</a>')
# A marker not escaped by the Markdown around it ("\[1\]" in an article's text is text).
_MARKER = re.compile(r"(?<!\\)" + MARKER_BODY)
_NUMBER = re.compile(r"\d+")
# HTML's specials and every character that opens inline Markdown (links, images, code,
# emphasis, autolinks "https:" and "www.", LaTeX "$", tables); the text is on one line inside a
# tag, so nothing can start a block (a list, a heading).
_SPECIAL = re.compile(r"[\\`*_\[\](){}!~|#:.$<>&\"']")


def html_text(text: str) -> str:
    """``text`` as HTML text that no Markdown renderer turns into markup, on one line."""
    return _SPECIAL.sub(lambda m: f"&#{ord(m.group(0))};", " ".join(text.split()))


def cited_url(citation: Citation, app_url: str = "") -> str:
    """Where ``citation``'s links point: its section, with the cited sentence to highlight.

    One of our article pages (a path here, or under ``app_url``) gets ``?cite=``; a page
    elsewhere a text fragment, so the quote is never sent to another site's server."""
    url = safe_url(citation.url)
    if not url:
        return ""
    sentence = citation.snippet.rstrip("…").strip()
    if not sentence:
        return url
    base, hash_, fragment = url.partition("#")
    ours = f"{app_url.rstrip('/')}{ARTICLES_PATH}/" if app_url else None
    if (base.startswith("/") and not base.startswith("//")) or (ours and base.startswith(ours)):
        joiner = "&" if "?" in base else "?"
        return f"{base}{joiner}cite={quote(sentence, safe='')}{hash_}{fragment}"
    # A leading "-" would make the text a suffix of the directive, so it is encoded too.
    text = quote(sentence, safe="").replace("-", "%2D")
    return f"{base}#{fragment}:~:text={text}"


def _marker_link(n: int, by_number: dict[int, Citation], app_url: str) -> str:
    citation = by_number.get(n)
    url = cited_url(citation, app_url) if citation else ""
    if citation is None or not url:
        return f"[{n}]"
    # The preview is the link's own text, hidden until hover or focus (the chat's sanitiser
    # drops data-* and aria-* attributes): screen readers read it as the link's name.
    return (
        f'<a class="cb-cite" href="{html.escape(url)}" target="_blank" rel="noopener">[{n}]'
        f'<span class="cb-tip"> Source {n}: {html_text(citation.label)}: '
        f"“{html_text(citation.snippet)}”</span></a>"
    )


def linked_markers(text: str, citations: tuple[Citation, ...], app_url: str = "") -> str:
    """``text`` with each ``[n]`` (``[1, 2]`` too) as links to the sections cited."""
    by_number = {c.n: c for c in citations}

    def link(m: re.Match[str]) -> str:
        numbers = _NUMBER.findall(m.group(0))
        return "".join(_marker_link(int(n), by_number, app_url) for n in numbers)

    return _MARKER.sub(link, text)


def source_cards(citations: tuple[Citation, ...], app_url: str = "") -> str:
    """The citations as cards (one HTML block, so Markdown leaves it whole); empty if none."""
    cards = []
    for c in citations:
        url = cited_url(c, app_url)
        updated = f'<span class="cb-card-date">Updated {html_text(c.updated)}</span>'
        body = (
            f'<span class="cb-card-n">{c.n}</span>'
            f'<span class="cb-card-label">{html_text(c.label)}</span>'
            + (updated if c.updated else "")
            + f'<q class="cb-card-quote">{html_text(c.snippet)}</q>'
        )
        if url:
            body = (
                f'<a class="cb-card-link" href="{html.escape(url)}" target="_blank" '
                f'rel="noopener">{body}</a>'
            )
        cards.append(f'<li class="cb-card">{body}</li>')
    if not cards:
        return ""
    return (
        '<section class="cb-sources" aria-label="Sources"><p class="cb-sources-title">Sources</p>'
        f'<ol class="cb-cards">{"".join(cards)}</ol></section>'
    )


def render(answer: Answer, asked: str = "", app_url: str = "") -> str:
    """An answer as chat Markdown: how a follow-up was understood, its notice (if any), the
    text with live markers, then its source cards.

    It replaces everything streamed before it: the verified text, not the model's raw tokens.
    """
    head = ""
    if asked and answer.question and answer.question != asked:
        head += f"_Answering: {plain_markdown(answer.question)}_\n\n"
    if answer.notice:
        head += f"_{plain_markdown(answer.notice)}_\n\n"  # may quote a server's error text
    cards = source_cards(answer.citations, app_url)
    text = linked_markers(answer.text, answer.citations, app_url)
    return head + text + (f"\n\n{cards}" if cards else "")


def as_history(content: str) -> str:
    """A message :func:`render` made, as the bot reads it in a conversation's history: the
    answer's text and markers, without previews, links and cards."""
    return _LINK.sub(r"\1", _TIP.sub("", _CARDS.sub("", content)))


def follow_up_options(answer: Answer) -> list[dict[str, Any]]:
    """The answer's suggested questions as chat options (buttons that ask them)."""
    return [{"label": option_label(q), "value": q} for q in answer.suggestions]


def option_label(question: str) -> str:
    """A suggestion's button text: "What do the articles say about the X?" shows "The X"."""
    if question.startswith(ABOUT):
        rest = question[len(ABOUT) :].rstrip("?").strip()
        return rest if rest[1:2].isupper() else rest[:1].upper() + rest[1:]  # "iOS", "AI"
    return question


def plain_markdown(text: str) -> str:
    """Reader text shown as Markdown that stays text: no links, emphasis, images or HTML."""
    return re.sub(r"([\\`*_{}\[\]()<>#!|~])", r"\\\1", " ".join(text.split()))
