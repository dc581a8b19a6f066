"""Markdown articles (YAML front matter + CommonMark) into :class:`Article` and its sections.

Headings get their ids from the same markdown-it anchors plugin that renders the article pages,
so an index anchor and a page's heading id cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import frontmatter
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from careerbot.errors import SourceError
from careerbot.types import Article, Link, Section

INTRO = "Introduction"
MAX_FILE_BYTES = 2_000_000


def markdown_parser() -> MarkdownIt:
    """The one Markdown configuration: CommonMark without raw HTML, tables, GitHub-style ids."""
    return (
        MarkdownIt("commonmark", {"html": False})
        .enable("table")
        .use(anchors_plugin, min_level=1, max_level=6)
    )


class FrontMatter(BaseModel):
    """The front matter every article carries (title and slug may fall back, see below)."""

    model_config = ConfigDict(extra="allow")

    title: str | None = Field(None, description="Article title; defaults to the H1.")
    slug: str | None = Field(
        None, pattern=r"^[a-z0-9][a-z0-9-]*$", description="URL slug; defaults to the file name."
    )
    url: str | None = Field(None, description="Canonical URL on the publisher's site.")
    updated: dt.date | None = Field(None, description="Date of the last editorial update.")
    description: str = ""

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError(
                "must start with http:// or https:// (the article's page on the publisher's "
                "site); fix it or remove the line"
            )
        if not urlsplit(value).hostname:
            raise ValueError("has no host name after http(s)://; fix it or remove the line")
        if re.search(r"[\s<>\"\\`{}|^\x00-\x1f\x7f]", value):
            raise ValueError(
                "contains a space, quote, angle bracket or control character, which a URL "
                "cannot hold; percent-encode it (a space is %20)"
            )
        return value


def slugify(name: str) -> str:
    """A URL slug from a name: lower-case letters, digits and hyphens (``My Notes`` → ``my-notes``)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "article"


def read_markdown_file(
    path: Path, *, navigation_headings: Iterable[str] = (), md: MarkdownIt | None = None
) -> Article:
    """Read one Markdown article. Raises :class:`SourceError` naming the file on any problem."""
    return parse_markdown(
        read_text_file(path),
        source=path,
        default_slug=slugify(path.stem),
        navigation_headings=navigation_headings,
        md=md,
    )


def read_text_file(path: Path) -> str:
    """A source file's text; :class:`SourceError` if unreadable, too big, binary or not UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise SourceError(path, f"is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}")
    if b"\x00" in raw:
        raise SourceError(path, "looks like a binary file, not text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(
            path,
            f"is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "re-save it as UTF-8",
        ) from exc
    return text


def parse_markdown(
    text: str,
    *,
    source: str | Path,
    default_slug: str,
    navigation_headings: Iterable[str] = (),
    md: MarkdownIt | None = None,
) -> Article:
    """Parse Markdown text with front matter into an :class:`Article`."""
    try:
        post = frontmatter.loads(text.lstrip("\ufeff"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise SourceError(source, f"has broken YAML front matter{where}: fix or remove it") from exc
    try:
        meta = FrontMatter.model_validate(dict(post.metadata))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'front matter'}: {e['msg']}"
            for e in exc.errors()
        )
        raise SourceError(source, f"has invalid front matter ({problems})") from exc

    md = md or markdown_parser()
    tokens = md.parse(post.content)
    h1, sections = _split_sections(tokens, {h.casefold() for h in navigation_headings})
    title = meta.title or h1
    if not title:
        raise SourceError(source, "has no title: add `title:` to the front matter or an H1")
    if h1 is None and not any(trail[0] != INTRO for trail, *_ in sections):
        raise SourceError(source, "has no headings: give it an H1 title and H2 sections")
    slug = meta.slug or default_slug
    built = tuple(
        Section(
            slug=slug,
            title=title,
            trail=trail,
            anchor=anchor or "",
            text=body,
            links=tuple(links),
            navigation=nav,
        )
        for trail, anchor, body, links, nav in sections
        if body.strip() or links
    )
    if not any(not s.navigation and s.text.strip() for s in built):
        raise SourceError(source, "has no text under its headings")
    return Article(
        slug=slug,
        title=title,
        url=meta.url,
        updated=meta.updated,
        description=meta.description,
        path=str(source),
        markdown=post.content,
        sections=built,
    )


_RawSection = tuple[tuple[str, ...], str | None, str, list[Link], bool]


def _split_sections(
    tokens: Sequence[Token], navigation: set[str]
) -> tuple[str | None, list[_RawSection]]:
    """Walk block tokens, cutting at H1-H6; returns the H1 text and raw sections."""
    h1: str | None = None
    h1_anchor: str | None = None
    trail: list[tuple[int, str]] = []
    current_anchor: str | None = None
    blocks: list[str] = []
    links: list[Link] = []
    out: list[_RawSection] = []
    list_depth = 0

    def flush() -> None:
        names = tuple(name for _, name in trail) or (INTRO,)
        anchor = current_anchor if trail else h1_anchor
        nav = bool(trail) and trail[0][1].casefold() in navigation
        out.append((names, anchor, "\n\n".join(b for b in blocks if b), list(links), nav))
        blocks.clear()
        links.clear()

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            text, _ = _inline_text(tokens[i + 1])
            if level == 1 and h1 is None:
                anchor = tok.attrGet("id")
                h1, h1_anchor = text, None if anchor is None else str(anchor)
                i += 3
                continue
            flush()
            level = max(level, 2)
            trail = [(lv, name) for lv, name in trail if lv < level] + [(level, text)]
            current_anchor = str(tok.attrGet("id") or "")
            i += 3
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif tok.type == "inline":
            text, found = _inline_text(tok)
            links.extend(found)
            if text:
                blocks.append(f"- {text}" if list_depth else text)
        elif tok.type in ("fence", "code_block"):
            blocks.append(tok.content.rstrip())
        i += 1
    flush()
    # A lead with no text (the H1 straight followed by an H2) is not a section.
    return h1, out


def _inline_text(token: Token) -> tuple[str, list[Link]]:
    """Plain text of an inline token, and the links inside it."""
    parts: list[str] = []
    links: list[Link] = []
    href: str | None = None
    link_text: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
            if href is not None:
                link_text.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
        elif child.type == "link_open":
            href, link_text = str(child.attrGet("href") or ""), []
        elif child.type == "link_close" and href is not None:
            links.append(Link(text="".join(link_text).strip(), href=href))
            href = None
    return " ".join("".join(parts).split()), links
