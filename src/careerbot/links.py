"""Section links: where a citation or an article link points.

In ``app`` link mode a section links to the app's own page for its article,
``<app_url>/articles/<slug>#<anchor>``; in ``canonical`` mode to the article's canonical URL.
Pages that came from the web have no page in the app, so they always link to their canonical
URL.
"""

from __future__ import annotations

from careerbot.settings import Settings

ARTICLES_PATH = "/articles"


def article_path(slug: str) -> str:
    """The app's path of an article page: ``/articles/<slug>``."""
    return f"{ARTICLES_PATH}/{slug}"


def section_url(
    settings: Settings,
    *,
    slug: str,
    anchor: str,
    canonical_url: str,
    local: bool = True,
    absolute: bool = False,
) -> str:
    """Where a citation link points: the app's article page, or the canonical article.

    Pages that came from the web (``local=False``) have no page in the app: they link home.
    ``absolute`` is for readers outside the web app (a notebook, the CLI), where a relative
    ``/articles/...`` would point nowhere: the app's page when ``app_url`` is set, else the
    canonical URL (relative only when the article has neither).
    """
    fragment = f"#{anchor}" if anchor else ""
    outside = absolute and not settings.app_url
    if (settings.link_mode == "canonical" or not local or outside) and canonical_url:
        return f"{canonical_url}{fragment}"
    return f"{settings.app_url.rstrip('/')}{article_path(slug)}{fragment}"
