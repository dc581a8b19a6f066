"""HTML pages into articles: trafilatura finds the main content and turns it into Markdown,
which then goes through the same parser as Markdown files (sections, anchors, links)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from markdown_it import MarkdownIt

from careerbot.errors import SourceError
from careerbot.sources.markdown import parse_markdown
from careerbot.types import Article


def slug_from_url(url: str) -> str:
    """A slug from a URL's last path segment: ``/articles/ai-pay-2026.html`` → ``ai-pay-2026``."""
    path = urlsplit(url).path.rstrip("/")
    last = path.rsplit("/", 1)[-1] or urlsplit(url).netloc
    last = re.sub(r"\.(html?|php|aspx?)$", "", last.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", last).strip("-")
    return slug or "page"


def parse_html(
    html: str,
    *,
    url: str,
    navigation_headings: Iterable[str] = (),
    md: MarkdownIt | None = None,
) -> Article:
    """Parse an HTML page into an :class:`Article`; raises :class:`SourceError` naming ``url``."""
    import trafilatura

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
        raise SourceError(url, "has no readable main content")
    meta = trafilatura.extract_metadata(html, default_url=url)
    title = (meta.title if meta else None) or ""
    date = (meta.date if meta else None) or ""
    canonical = (meta.url if meta and meta.url else url) or url
    # Links come back as written in the page; make them absolute so they can be followed.
    body = re.sub(
        r"\]\(([^)\s]+)\)", lambda m: f"]({urljoin(url, m.group(1))})", body
    )
    front = ["---", f"url: {_yaml(canonical)}"]
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
        source=url,
        default_slug=slug_from_url(canonical),
        navigation_headings=navigation_headings,
        md=md,
    )
    return article


def _yaml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
