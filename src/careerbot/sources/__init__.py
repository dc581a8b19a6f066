"""Reading the corpus: every source becomes an :class:`~careerbot.types.Article`.

A source that cannot be read is reported, not fatal: the rest of the corpus still loads.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from careerbot.errors import CorpusError, SourceError
from careerbot.sources.html import read_html_file
from careerbot.sources.markdown import (
    markdown_parser,
    parse_markdown,
    read_markdown_file,
)
from careerbot.types import Article

SUFFIXES = (".md", ".html", ".htm")
"""Files read as articles."""

__all__ = [
    "Corpus",
    "load_corpus",
    "require_folder",
    "source_files",
    "markdown_parser",
    "parse_markdown",
    "read_markdown_file",
]


@dataclass(frozen=True)
class Corpus:
    """Articles read from a folder (or the web), and the sources that failed."""

    root: Path | None
    articles: tuple[Article, ...]
    errors: tuple[SourceError, ...] = ()
    failed: frozenset[str] = frozenset()
    """Source keys that failed: paths relative to ``root``, or URLs."""

    def merge(self, other: Corpus) -> Corpus:
        """Both corpora in one (a slug taken by ``self`` wins)."""
        taken = {a.slug: a.path for a in self.articles}
        extra = [a for a in other.articles if a.slug not in taken]
        clashes = tuple(
            SourceError(a.path, f"has the slug {a.slug!r}, already used by {taken[a.slug]}")
            for a in other.articles
            if a.slug in taken
        )
        return Corpus(
            root=self.root or other.root,
            articles=self.articles + tuple(extra),
            errors=self.errors + other.errors + clashes,
            failed=self.failed | other.failed | {e.source for e in clashes},
        )

    def by_slug(self) -> dict[str, Article]:
        """Articles keyed by slug."""
        return {a.slug: a for a in self.articles}


def source_files(root: Path) -> list[Path]:
    """The article files under ``root``, sorted."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)


def require_folder(root: Path) -> None:
    """Raise :class:`CorpusError` (saying where it looked) when the corpus folder is missing."""
    if not root.exists():
        raise CorpusError(
            f"The corpus folder {root.absolute()} does not exist. Pass the folder of Markdown "
            "articles (careerbot ingest PATH) or set CAREERBOT_CORPUS_DIR."
        )


def load_corpus(
    root: Path,
    *,
    navigation_headings: Iterable[str] = (),
    indexed: Collection[str] = (),
) -> Corpus:
    """Read every article under ``root``: ``*.md``, and ``*.html`` / ``*.htm`` (main content
    found by trafilatura), sorted, recursively.

    Raises :class:`CorpusError` when the folder is missing or holds no Markdown at all;
    individual bad files land in ``Corpus.errors``. When two files claim one slug, a file that
    is already ``indexed`` (paths relative to ``root``) keeps it, else the first in order.
    """
    require_folder(root)
    if not root.is_dir():
        raise CorpusError(f"The corpus path {root} is a file; it must be a folder of .md files.")
    paths = source_files(root)
    if not paths:
        raise CorpusError(
            f"The corpus folder {root} holds no .md files. Add Markdown articles there, "
            "or point CAREERBOT_CORPUS_DIR at the right folder."
        )
    nav = tuple(navigation_headings)
    md = markdown_parser()
    articles: dict[str, Article] = {}
    errors: list[SourceError] = []
    indexed = set(indexed)
    for path in sorted(paths, key=lambda p: p.relative_to(root).as_posix() not in indexed):
        try:
            read = read_markdown_file if path.suffix.lower() == ".md" else read_html_file
            article = read(path, navigation_headings=nav, md=md)
            article = replace(article, path=path.relative_to(root).as_posix())
        except SourceError as exc:
            errors.append(exc)
            continue
        if article.slug in articles:
            errors.append(
                SourceError(
                    path,
                    f"has the slug {article.slug!r}, already used by "
                    f"{articles[article.slug].path}; give one of them another slug",
                )
            )
            continue
        articles[article.slug] = article
    ordered = sorted(articles.values(), key=lambda a: a.path)
    failed = frozenset(Path(e.source).relative_to(root).as_posix() for e in errors)
    return Corpus(root=root, articles=tuple(ordered), errors=tuple(errors), failed=failed)
