"""Article pages at ``/articles/<slug>``: the corpus rendered so citation anchors land offline.

Headings get their ids from the same parser configuration ingest uses, so every
``/articles/<slug>#<anchor>`` in a citation matches an element id on the page.
"""

from __future__ import annotations

import html
from pathlib import Path

from careerbot.errors import CareerbotError
from careerbot.links import article_path
from careerbot.markup import safe_url
from careerbot.sources import Corpus, load_corpus, markdown_parser, source_files
from careerbot.types import Article

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
    """Renders corpus articles to HTML, re-reading the folder when a file changes."""

    def __init__(self, corpus_dir: Path, navigation_headings: tuple[str, ...] = ()) -> None:
        self.corpus_dir = corpus_dir
        self.navigation_headings = navigation_headings
        self._md = markdown_parser()
        self._stamp: tuple[tuple[str, float], ...] | None = None
        self._corpus: Corpus | None = None

    def corpus(self) -> Corpus:
        """The corpus as it is on disk now (cached until a file changes)."""
        stamp = (
            tuple((str(p), p.stat().st_mtime_ns) for p in source_files(self.corpus_dir))
            if self.corpus_dir.is_dir()
            else ()
        )
        if self._corpus is None or stamp != self._stamp:
            self._corpus = load_corpus(
                self.corpus_dir, navigation_headings=self.navigation_headings
            )
            self._stamp = stamp
        return self._corpus

    def article(self, slug: str) -> Article | None:
        """The article with ``slug``, or None."""
        try:
            return self.corpus().by_slug().get(slug)
        except CareerbotError:
            return None

    def render(self, article: Article) -> str:
        """A whole HTML page for ``article``; links to corpus articles stay inside the app."""
        local = {a.url: article_path(a.slug) for a in self.corpus().articles if a.url}
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
            for a in sorted(self.corpus().articles, key=lambda a: a.title)
        )
        return PAGE.format(
            title="Articles", canonical="", meta="", body=f"<h1>Articles</h1><ul>{items}</ul>"
        )
