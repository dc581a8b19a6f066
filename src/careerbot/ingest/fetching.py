"""The web fetcher an ingest of pages uses, from the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from careerbot.settings import Settings

if TYPE_CHECKING:
    from careerbot.sources.web import Fetcher


def fetcher_for(settings: Settings) -> Fetcher:
    """A fetcher with the settings' timeout, retries, size limit and crawl depth, caching pages
    in ``<data_dir>/pages.sqlite3``."""
    from careerbot.sources.web import Fetcher, FetchPolicy, PageCache

    s = settings
    policy = FetchPolicy(
        timeout=s.fetch_timeout,
        retries=s.fetch_retries,
        max_bytes=s.fetch_max_bytes,
        depth=s.crawl_depth,
    )
    return Fetcher(policy, PageCache(s.data_dir / "pages.sqlite3"))
