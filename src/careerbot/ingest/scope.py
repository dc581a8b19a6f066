"""What one ingest covers: its sources loaded, and which stored chunks are its to replace.

A run never deletes what it does not cover: a narrower run (one file or subfolder) leaves the
rest of the folder alone, a web run leaves the folder alone, and a source that fails to load
keeps its stored chunks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from careerbot.errors import CorpusError, SourceError
from careerbot.ingest.options import Sources
from careerbot.sources import Corpus, load_corpus
from careerbot.sources.web import Fetcher, crawl
from careerbot.store.schema import StoredChunk


@dataclass(frozen=True)
class Scope:
    """The articles one run read, and what of the collection it covers."""

    corpus: Corpus
    folder: bool
    """Whether the run covers corpus-folder files (all, or those under ``subpath``)."""
    subpath: str | None = None
    """The file or subfolder (relative to the corpus folder) the run is narrowed to."""
    web_sources: frozenset[str] = frozenset()
    """URLs the run fetched, or tried to."""
    urls_in_folder: dict[str, str] | None = None
    """url → slug of every article in the folder, also those outside ``subpath``."""

    @property
    def whole(self) -> bool:
        """Whether the run covers the whole folder (so a full cleanup may delete the rest)."""
        return self.folder and self.subpath is None

    def covers(self, chunk: StoredChunk) -> bool:
        """Whether this run covers a stored chunk's source (and so may delete the chunk)."""
        if chunk.from_web:
            return chunk.source in self.web_sources
        return self.covers_path(chunk.source)

    def covers_path(self, path: str) -> bool:
        """Whether this run covers the folder file at ``path`` (relative to the folder)."""
        return self.folder and (self.subpath is None or under(path, self.subpath))

    def keeps(self, chunk: StoredChunk) -> bool:
        """Whether a stored chunk stays as it is: not covered, or its source failed to load."""
        return not self.covers(chunk) or chunk.source in self.corpus.failed


def of_corpus(corpus: Corpus) -> Scope:
    """The scope of a whole, already loaded corpus (its folder files and its web pages)."""
    web = frozenset(a.path for a in corpus.articles if a.origin == "web") | corpus.failed
    return Scope(
        corpus=corpus,
        folder=True,
        web_sources=web,
        urls_in_folder={a.url: a.slug for a in corpus.articles if a.url},
    )


def gather(sources: Sources, indexed: Iterable[str]) -> Scope:
    """Load what ``sources`` names (``indexed``: the sources the collection holds).

    Raises :class:`~careerbot.errors.CorpusError` when the folder is missing or empty, nothing
    is under ``only``, or no source at all could be read.
    """
    root, only = sources.root, sources.only
    subpath = _subpath(root, only)
    corpus = Corpus(root=None, articles=())
    urls_in_folder: dict[str, str] = {}
    if root is not None:
        corpus = load_corpus(
            root, navigation_headings=sources.navigation_headings, indexed=set(indexed)
        )
        # Links are resolved against the whole folder, also when the run is narrower.
        urls_in_folder = {a.url: a.slug for a in corpus.articles if a.url}
        if subpath:
            inside = [a for a in corpus.articles if under(a.path, subpath)]
            failed = [e for e in corpus.errors if under(_rel(e.source, root), subpath)]
            if not inside:
                reason = str(failed[0]) if failed else f"no article under {only}"
                raise CorpusError(f"Nothing ingested: {reason}")
            corpus = replace(corpus, articles=tuple(inside), errors=tuple(failed))
    web_sources: frozenset[str] = frozenset()
    if sources.urls or sources.sitemaps:
        if sources.fetcher is None:
            raise ValueError("fetching URLs needs a Fetcher")
        web = _fetch(sources.urls, sources.sitemaps, sources.fetcher, sources.navigation_headings)
        web_sources = frozenset(web.failed) | {a.path for a in web.articles}
        corpus = corpus.merge(web)
    return Scope(
        corpus=corpus,
        folder=root is not None,
        subpath=subpath,
        web_sources=web_sources,
        urls_in_folder=urls_in_folder,
    )


def under(source: str | None, subpath: str) -> bool:
    """Whether a source path (relative to the folder) is ``subpath`` or inside it."""
    return source is not None and (
        source == subpath or source.startswith(subpath.rstrip("/") + "/")
    )


def _subpath(root: Path | None, only: Path | None) -> str | None:
    """``only`` as a path relative to ``root`` ("" or None: the whole folder)."""
    if only is None or root is None:
        return None
    rel = _rel(only, root)
    if rel is None:
        raise CorpusError(
            f"{only} is not inside the corpus folder {root}. Pass the folder itself, or set "
            "CAREERBOT_CORPUS_DIR to the folder that holds it."
        )
    return rel or None


def _rel(path: str | Path, root: Path) -> str | None:
    try:
        rel = Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    return "" if rel == "." else rel


def _fetch(
    urls: Sequence[str], sitemaps: Sequence[str], fetcher: Fetcher, nav: tuple[str, ...]
) -> Corpus:
    seeds = list(urls)
    errors: list[SourceError] = []
    for sitemap in sitemaps:
        try:
            seeds += fetcher.sitemap(sitemap)
        except SourceError as exc:
            errors.append(exc)
    web = crawl(seeds, fetcher, navigation_headings=nav)
    errors += web.errors
    return Corpus(
        root=None,
        articles=tuple(web.articles),
        errors=tuple(errors),
        failed=frozenset(e.source for e in web.errors),
    )
