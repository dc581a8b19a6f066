"""Articles from the web: a URL list or a sitemap, following links to guides on the same site.

Polite and bounded: robots.txt is respected, every request has a timeout, failures are retried
a few times with backoff, bodies over a size limit are refused, and a page that has not changed
(ETag / Last-Modified answered with 304) is not downloaded again: its last copy is reused.
"""

from __future__ import annotations

import sqlite3
import time
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urldefrag, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from careerbot.errors import SourceError
from careerbot.sources.html import parse_html
from careerbot.sources.markdown import markdown_parser
from careerbot.types import Article

USER_AGENT = "careerbot/0.1 (+https://careers.example.com/bot)"


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for fetching pages."""

    timeout: float = 10.0
    retries: int = 2
    max_bytes: int = 2_000_000
    depth: int = 1
    user_agent: str = USER_AGENT


@dataclass
class WebCorpus:
    """Articles fetched from the web, with what failed and what was reused unchanged."""

    articles: list[Article] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    """URLs answered with 304 Not Modified (their cached copy was parsed)."""


class PageCache:
    """Last copy of each page with its validators, in SQLite beside the index."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), isolation_level=None)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, etag TEXT, "
            "last_modified TEXT, body TEXT NOT NULL, fetched_at REAL NOT NULL)"
        )

    def get(self, url: str) -> tuple[str | None, str | None, str] | None:
        """``(etag, last_modified, body)`` of the last copy, or None."""
        row = self._db.execute(
            "SELECT etag, last_modified, body FROM pages WHERE url = ?", (url,)
        ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def put(self, url: str, etag: str | None, last_modified: str | None, body: str) -> None:
        """Remember a fresh copy."""
        self._db.execute(
            "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)",
            (url, etag, last_modified, body, time.time()),
        )

    def close(self) -> None:
        """Close the file."""
        self._db.close()


class Fetcher:
    """GETs pages politely (robots.txt, timeouts, retries, size limit, conditional requests)."""

    def __init__(self, policy: FetchPolicy, cache: PageCache, client: httpx.Client | None = None):
        self.policy = policy
        self.cache = cache
        self.client = client or httpx.Client(
            timeout=policy.timeout,
            follow_redirects=True,
            headers={"User-Agent": policy.user_agent},
        )
        self._robots: dict[str, RobotFileParser] = {}

    def close(self) -> None:
        """Close the HTTP client and the page cache."""
        self.client.close()
        self.cache.close()

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch ``url`` (no robots.txt: yes)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            parser = RobotFileParser()
            try:
                resp = self.client.get(f"{origin}/robots.txt")
                lines = resp.text.splitlines() if resp.status_code == 200 else []
            except httpx.HTTPError:
                lines = []
            parser.parse(lines)
            self._robots[origin] = parser
        return self._robots[origin].can_fetch(self.policy.user_agent, url)

    def get(self, url: str) -> tuple[str, bool]:
        """``(body, unchanged)``; raises :class:`SourceError` naming the URL on failure."""
        if not self.allowed(url):
            raise SourceError(url, "is disallowed by the site's robots.txt; skipped")
        cached = self.cache.get(url)
        headers = {}
        if cached and cached[0]:
            headers["If-None-Match"] = cached[0]
        if cached and cached[1]:
            headers["If-Modified-Since"] = cached[1]
        last_error = ""
        for attempt in range(self.policy.retries + 1):
            if attempt:
                time.sleep(min(0.25 * 2**attempt, 2.0))
            try:
                with self.client.stream("GET", url, headers=headers) as resp:
                    if resp.status_code == 304 and cached:
                        return cached[2], True
                    if resp.status_code >= 500:
                        last_error = f"answered HTTP {resp.status_code}"
                        continue
                    if resp.status_code >= 400:
                        raise SourceError(url, f"answered HTTP {resp.status_code}")
                    body = self._read_limited(url, resp)
                    self.cache.put(
                        url, resp.headers.get("ETag"), resp.headers.get("Last-Modified"), body
                    )
                    return body, False
            except httpx.TimeoutException:
                last_error = f"timed out after {self.policy.timeout:g} s"
            except httpx.HTTPError as exc:
                last_error = f"could not be fetched ({exc.__class__.__name__}: {exc})"
        raise SourceError(url, f"{last_error} ({self.policy.retries + 1} tries)")

    def _read_limited(self, url: str, resp: httpx.Response) -> str:
        declared = int(resp.headers.get("Content-Length") or 0)
        if declared > self.policy.max_bytes:
            raise SourceError(url, f"is {declared:,} bytes; the limit is {self.policy.max_bytes:,}")
        data = bytearray()
        for piece in resp.iter_bytes():
            data.extend(piece)
            if len(data) > self.policy.max_bytes:
                raise SourceError(url, f"is over the size limit of {self.policy.max_bytes:,} bytes")
        return data.decode(resp.encoding or "utf-8", errors="replace")

    def sitemap(self, url: str, *, nested: bool = False) -> list[str]:
        """Page URLs listed in a sitemap (a sitemap index is followed one level)."""
        body, _ = self.get(url)
        try:
            root = ET.fromstring(body)
        except ET.ParseError as exc:
            raise SourceError(url, f"is not a valid sitemap ({exc})") from exc
        ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
        locs = [el.text.strip() for el in root.iter(f"{ns}loc") if el.text]
        if root.tag == f"{ns}sitemapindex":
            if nested:
                raise SourceError(url, "is a sitemap index inside a sitemap index; not followed")
            return [page for sub in locs for page in self.sitemap(sub, nested=True)]
        return locs


def crawl(
    seeds: Iterable[str],
    fetcher: Fetcher,
    *,
    navigation_headings: Iterable[str] = (),
) -> WebCorpus:
    """Fetch ``seeds`` and, up to ``fetcher.policy.depth`` links away, the same-site pages they
    link to. Every failure is recorded against its URL; the rest goes on."""
    result = WebCorpus()
    md = markdown_parser()
    nav = tuple(navigation_headings)
    unique = list(dict.fromkeys(urldefrag(u)[0] for u in seeds))
    queue = deque((u, 0) for u in unique)
    seen = set(unique)
    slugs: dict[str, str] = {}
    while queue:
        url, depth = queue.popleft()
        try:
            if urlsplit(url).scheme not in ("http", "https"):
                raise SourceError(url, "is not an http(s) URL")
            body, unchanged = fetcher.get(url)
            article = parse_html(body, url=url, navigation_headings=nav, md=md)
            article = replace(article, path=url, origin="web")
        except SourceError as exc:
            result.errors.append(exc)
            continue
        except ValueError as exc:  # a malformed URL (urlsplit, urljoin)
            result.errors.append(SourceError(url, f"is not a valid URL ({exc})"))
            continue
        if article.slug in slugs:
            result.errors.append(
                SourceError(
                    url, f"has the slug {article.slug!r}, already used by {slugs[article.slug]}"
                )
            )
            continue
        slugs[article.slug] = url
        result.articles.append(article)
        if unchanged:
            result.unchanged.append(url)
        if depth >= fetcher.policy.depth:
            continue
        site = urlsplit(url).netloc
        for link in article.links:
            try:
                target = urldefrag(link.href)[0]
                same_site = urlsplit(target).netloc == site
            except ValueError:
                continue  # a malformed link in the page: not followed
            if same_site and target not in seen and target.startswith("http"):
                seen.add(target)
                queue.append((target, depth + 1))
    return result
