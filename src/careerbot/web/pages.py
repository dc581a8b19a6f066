"""Article pages at ``/articles/<slug>``: the stored articles rendered so citation anchors land
offline.

Headings get their ids from the same parser configuration ingest uses, so every
``/articles/<slug>#<anchor>`` in a citation matches an element id on the page.
"""

from __future__ import annotations

import html
import threading
import time
from pathlib import Path

from careerbot.errors import CareerbotError
from careerbot.links import article_path
from careerbot.markup import safe_url
from careerbot.sources import load_corpus, markdown_parser, source_files
from careerbot.store.articles import ArticleTable, StoredArticle

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
{canonical}
<style>
body {{ font: 17px/1.6 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem;
       color: #1f2328; }}
h1 {{ line-height: 1.25; }} h2, h3 {{ margin-top: 2rem; }}
:target {{ background: #fff3bf; scroll-margin-top: 1rem; }}
a {{ color: #0b5cad; }} .meta {{ color: #59636e; font-size: .9rem; }}
nav {{ margin-bottom: 1.5rem; }}
</style></head>
<body><nav><a href="/">← Ask careerbot</a> · <a href="/articles">All articles</a></nav>
<p class="meta">{meta}</p>
{body}
</body></html>
"""


class ArticlePages:
    """Renders the articles an ingest stored in the database (so a replica needs no corpus
    folder), re-reading them when an ingest changed them (checked every ``check_seconds``).

    A database with no articles for the collection (nothing ingested since articles were
    stored there) falls back to the corpus folder; a database that fails keeps the last
    articles read serving.
    """

    def __init__(
        self,
        table: ArticleTable,
        corpus_dir: Path | None = None,
        *,
        navigation_headings: tuple[str, ...] = (),
        check_seconds: float = 0.5,
    ) -> None:
        self.table = table
        self.corpus_dir = corpus_dir
        self.navigation_headings = navigation_headings
        self.check_seconds = check_seconds
        self._md = markdown_parser()
        self._lock = threading.Lock()
        self._checked = -float("inf")
        self._stamp: object = None
        self._articles: dict[str, StoredArticle] = {}

    def articles(self) -> dict[str, StoredArticle]:
        """The articles by slug, as last stored (or in the corpus folder)."""
        with self._lock:
            if time.monotonic() - self._checked >= self.check_seconds:
                self._refresh()
                self._checked = time.monotonic()
            return self._articles

    def _refresh(self) -> None:
        try:
            stored = self.table.stamp() if self.table.database.readable() else (0, 0.0)
            if stored[0]:
                if stored != self._stamp:
                    self._articles = {a.slug: a for a in self.table.load()}
                self._stamp = stored
                return
            folder = self._folder_stamp()
            if folder != self._stamp:
                self._articles = self._folder_articles()
            self._stamp = folder
        except CareerbotError:
            return  # the last articles read keep serving

    def _folder_stamp(self) -> tuple[tuple[str, int], ...]:
        if self.corpus_dir is None or not self.corpus_dir.is_dir():
            return ()
        return tuple((str(p), p.stat().st_mtime_ns) for p in source_files(self.corpus_dir))

    def _folder_articles(self) -> dict[str, StoredArticle]:
        if self.corpus_dir is None or not self.corpus_dir.is_dir():
            return {}
        corpus = load_corpus(self.corpus_dir, navigation_headings=self.navigation_headings)
        return {a.slug: StoredArticle.of(a) for a in corpus.articles}

    def article(self, slug: str) -> StoredArticle | None:
        """The article with ``slug``, or None."""
        return self.articles().get(slug)

    def render(self, article: StoredArticle) -> str:
        """A whole HTML page for ``article``; links to corpus articles stay inside the app."""
        local = {a.url: article_path(a.slug) for a in self.articles().values() if a.url}
        tokens = self._md.parse(article.markdown)
        for token in tokens:
            for child in token.children or []:
                href = str(child.attrGet("href") or "") if child.type == "link_open" else ""
                base, _, fragment = href.partition("#")
                if base in local:
                    child.attrSet("href", local[base] + (f"#{fragment}" if fragment else ""))
        body = self._md.renderer.render(tokens, self._md.options, {})
        meta = f"Updated {article.updated.isoformat()}" if article.updated else ""
        # Raw HTML in the Markdown is text already (the parser has html off); the url is
        # checked and percent-encoded before it becomes an attribute.
        url = safe_url(article.url or "")
        if url:
            meta += f' · <a href="{html.escape(url)}">Original article</a>'
        canonical = f'<link rel="canonical" href="{html.escape(url)}">' if url else ""
        return PAGE.format(
            title=html.escape(article.title), canonical=canonical, meta=meta, body=body
        )

    def index(self) -> str:
        """A page listing every article."""
        items = "\n".join(
            f'<li><a href="{html.escape(article_path(a.slug))}">{html.escape(a.title)}</a></li>'
            for a in sorted(self.articles().values(), key=lambda a: a.title)
        )
        return PAGE.format(
            title="Articles", canonical="", meta="", body=f"<h1>Articles</h1><ul>{items}</ul>"
        )
