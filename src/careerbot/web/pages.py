"""Article pages at ``/articles/<slug>``: the stored articles rendered so citation anchors land
offline.

Headings get their ids from the same parser configuration ingest uses, so every
``/articles/<slug>#<anchor>`` in a citation matches an element id on the page. A citation's
``?cite=<sentence>`` is highlighted there by a small inline script (``CITE_SCRIPT``), and the
pages follow the reader's light or dark colour scheme.
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

CITE_SCRIPT = """
// Highlights the sentence a citation quotes (?cite=...): finds it in the article text, comparing
// lowercased letters and digits only, and wraps the text already there in <mark> elements. The
// cite comes from the URL, so it is only compared, never put into the page.
addEventListener("load", () => {
  const cite = (new URLSearchParams(location.search).get("cite") || "").trim().replace(/…$/, "");
  const key = (ch) => ch.toLowerCase().replace(/[^\\p{L}\\p{N}]/gu, "");  // one character
  const needle = Array.from(cite, key).join("");
  const main = document.querySelector("main");
  if (!needle || !main) return;
  const nodes = [], where = [];  // where[i]: the text node and the offsets of text[i]
  let text = "";
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    nodes.push(node);
    let offset = 0;
    for (const ch of node.data) {
      const k = key(ch);
      text += k;
      for (let i = 0; i < k.length; i++) where.push([node, offset, offset + ch.length]);
      offset += ch.length;
    }
  }
  // The cited section's copy first, if the sentence also appears elsewhere.
  const target = document.querySelector(":target");
  const after = where.findIndex(([n]) => target && target.compareDocumentPosition(n) & 4);
  let at = after < 0 ? -1 : text.indexOf(needle, after);
  if (at < 0) at = text.indexOf(needle);
  if (at < 0) return;
  let [first, start] = where[at], [last, , end] = where[at + needle.length - 1];
  // Take in the punctuation around the matched letters when the cite has it too, from the
  // text node before or after if the letters end at a link's edge.
  const head = cite.match(/^[^\\p{L}\\p{N}\\s]*/u)[0], tail = cite.match(/[^\\p{L}\\p{N}\\s]*$/u)[0];
  const prev = nodes[nodes.indexOf(first) - 1], next = nodes[nodes.indexOf(last) + 1];
  if (first.data.slice(0, start).endsWith(head)) start -= head.length;
  else if (!start && prev?.data.endsWith(head)) {
    [first, start] = [prev, prev.data.length - head.length];
  }
  if (last.data.startsWith(tail, end)) end += tail.length;
  else if (end === last.data.length && next?.data.startsWith(tail)) {
    [last, end] = [next, tail.length];
  }
  const marks = [];
  for (const node of nodes.slice(nodes.indexOf(first), nodes.indexOf(last) + 1)) {
    const from = node === first ? start : 0, to = node === last ? end : node.data.length;
    if (!node.data.slice(from, to).trim()) continue;
    const range = document.createRange();
    range.setStart(node, from);
    range.setEnd(node, to);
    const mark = document.createElement("mark");
    mark.className = "cited";
    range.surroundContents(mark);
    marks.push(mark);
  }
  marks[0].id = "cited";
  marks[0].tabIndex = -1;
  marks[0].focus({ preventScroll: true });
  marks[0].scrollIntoView({ block: "center" });
});
"""

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{title}</title>
{canonical}
<style>
:root {{ color-scheme: light dark; --bg: #fff; --text: #1f2328; --link: #0b5cad; --meta: #59636e;
        --target: #fff3bf; --mark: #fbbf24; --mark-text: #1f2328; }}
@media (prefers-color-scheme: dark) {{
  :root {{ --bg: #0d1117; --text: #e6edf3; --link: #58a6ff; --meta: #9198a1;
          --target: #3a2d00; --mark: #e3b341; --mark-text: #0d1117; }}
}}
body {{ font: 17px/1.6 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem;
       color: var(--text); background: var(--bg); }}
h1 {{ line-height: 1.25; }} h2, h3 {{ margin-top: 2rem; }}
:target {{ background: var(--target); scroll-margin-top: 1rem; }}
a {{ color: var(--link); }} .meta {{ color: var(--meta); font-size: .9rem; }}
mark.cited {{ background: var(--mark); color: var(--mark-text); border-radius: 2px; }}
a mark.cited {{ text-decoration: underline; }}
mark.cited:focus {{ outline: none; }} /* the highlight itself shows where focus is */
nav {{ margin-bottom: 1.5rem; }}
</style>
{script}</head>
<body><nav><a href="/">← Ask careerbot</a> · <a href="/articles">All articles</a></nav>
<main>
<p class="meta">{meta}</p>
{body}
</main>
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
            title=html.escape(article.title),
            canonical=canonical,
            meta=meta,
            body=body,
            script=f"<script>{CITE_SCRIPT}</script>",
        )

    def index(self) -> str:
        """A page listing every article."""
        items = "\n".join(
            f'<li><a href="{html.escape(article_path(a.slug))}">{html.escape(a.title)}</a></li>'
            for a in sorted(self.articles().values(), key=lambda a: a.title)
        )
        body = f"<h1>Articles</h1><ul>{items}</ul>"
        return PAGE.format(title="Articles", canonical="", meta="", body=body, script="")
