"""HTML pages into articles: trafilatura finds the main content and turns it into Markdown,
which then goes through the same parser as Markdown files (sections, anchors, links)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from markdown_it import MarkdownIt

from careerbot.errors import SourceError
from careerbot.sources.markdown import parse_markdown, read_text_file, slugify
from careerbot.types import Article


def slug_from_url(url: str) -> str:
    """A slug from a URL's last path segment: ``/articles/ai-pay-2026.html`` → ``ai-pay-2026``."""
    path = urlsplit(url).path.rstrip("/")
    last = path.rsplit("/", 1)[-1] or urlsplit(url).netloc
    return slugify(re.sub(r"\.(html?|php|aspx?)$", "", last.lower()))


def read_html_file(
    path: Path, *, navigation_headings: Iterable[str] = (), md: MarkdownIt | None = None
) -> Article:
    """Read a saved HTML article from the corpus folder (its canonical link, if any, is its url)."""
    raw = read_text_file(path)
    return parse_html(
        raw,
        url=None,
        source=str(path),
        default_slug=slugify(path.stem),
        navigation_headings=navigation_headings,
        md=md,
    )


def parse_html(
    html: str,
    *,
    url: str | None,
    source: str | None = None,
    default_slug: str | None = None,
    navigation_headings: Iterable[str] = (),
    md: MarkdownIt | None = None,
) -> Article:
    """Parse an HTML page into an :class:`Article`; raises :class:`SourceError` naming it.

    ``url`` is where the page was fetched from (None for a file); links are made absolute
    against it.
    """
    import trafilatura

    source = source or url or "page"
    body = trafilatura.extract(
        html,
        url=url,
        output_format="markdown",
        include_links=True,
        include_formatting=True,
        include_tables=True,
        favor_recall=True,
    )
    if not body or not body.strip():
        raise SourceError(source, "has no readable main content")
    meta = trafilatura.extract_metadata(html, default_url=url)
    title = (meta.title if meta else None) or ""
    date = (meta.date if meta else None) or ""
    canonical = (meta.url if meta and meta.url else url) or None
    if url:  # links come back as written in the page; absolute ones can be followed
        body = re.sub(r"\]\(([^)\s]+)\)", lambda m: f"]({urljoin(url, m.group(1))})", body)
    front = ["---"]
    if canonical and canonical.startswith(("http://", "https://")):
        front.append(f"url: {_yaml(canonical)}")
    if title:
        front.append(f"title: {_yaml(title)}")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        front.append(f"updated: {date}")
    front.append("---")
    text = "\n".join(front) + "\n" + body
    if not body.lstrip().startswith("# ") and title:
        text = "\n".join(front) + f"\n# {title}\n\n" + body
    article = parse_markdown(
        text,
        source=source,
        default_slug=default_slug or slug_from_url(canonical or source),
        navigation_headings=navigation_headings,
        md=md,
    )
    return article


def _yaml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
