"""The corpus articles as the pages show them, kept in the shared database by each ingest, so
app replicas render pages without a corpus folder and see an editor's changes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from careerbot.store.database import Database
from careerbot.store.tables import ARTICLES
from careerbot.types import Article


@dataclass(frozen=True)
class StoredArticle:
    """What a page needs of an article: its identity, front matter and Markdown body."""

    slug: str
    title: str
    url: str | None
    updated: date | None
    markdown: str
    path: str

    @classmethod
    def of(cls, article: Article) -> StoredArticle:
        """The stored form of a parsed article."""
        return cls(
            article.slug,
            article.title,
            article.url,
            article.updated,
            article.markdown,
            article.path,
        )

    @property
    def content_hash(self) -> str:
        """A hash of every field, to write only articles that changed."""
        fields = [self.slug, self.title, self.url, str(self.updated), self.markdown, self.path]
        return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


class ArticleTable:
    """The ``articles`` rows of one collection."""

    def __init__(self, database: Database, collection: str) -> None:
        self.database = database
        self.collection = collection

    def sync(
        self,
        articles: Sequence[Article],
        *,
        covers: Callable[[str], bool],
        failed: frozenset[str] | set[str],
    ) -> int:
        """Store the folder ``articles`` one ingest read (those that changed) and delete the
        rows of articles it covers (``covers(path)``) but no longer found; an article that
        failed to load (``failed``, by path) keeps its row. Returns the rows changed."""
        fresh = {a.slug: StoredArticle.of(a) for a in articles if a.origin == "file"}
        where = ARTICLES.c.collection == self.collection
        with self.database.errors(), self.database.engine.begin() as conn:
            stored = {
                slug: (path, digest)
                for slug, path, digest in conn.execute(
                    select(ARTICLES.c.slug, ARTICLES.c.path, ARTICLES.c.content_hash).where(where)
                )
            }
            gone = [
                slug
                for slug, (path, _) in stored.items()
                if slug not in fresh and covers(path) and path not in failed
            ]
            if gone:
                conn.execute(delete(ARTICLES).where(and_(where, ARTICLES.c.slug.in_(gone))))
            changed = [
                a for a in fresh.values() if stored.get(a.slug, ("", ""))[1] != a.content_hash
            ]
            if changed:
                now = self.database.now(conn)
                dialect = postgresql if self.database.is_postgres else sqlite
                insert = dialect.insert(ARTICLES)
                values = {
                    c: insert.excluded[c]
                    for c in (
                        "path",
                        "title",
                        "url",
                        "updated",
                        "markdown",
                        "content_hash",
                        "stored_at",
                    )
                }
                conn.execute(
                    insert.on_conflict_do_update(
                        index_elements=["collection", "slug"], set_=values
                    ),
                    [self._row(a, now) for a in changed],
                )
        return len(gone) + len(changed)

    def _row(self, article: StoredArticle, now: float) -> dict[str, object]:
        return {
            "collection": self.collection,
            "slug": article.slug,
            "path": article.path,
            "title": article.title,
            "url": article.url,
            "updated": article.updated,
            "markdown": article.markdown,
            "content_hash": article.content_hash,
            "stored_at": now,
        }

    def stamp(self) -> tuple[int, float]:
        """(rows, newest write time): changes whenever an ingest changed the articles."""
        with self.database.errors(), self.database.engine.connect() as conn:
            count, newest = conn.execute(
                select(func.count(), func.max(ARTICLES.c.stored_at)).where(
                    ARTICLES.c.collection == self.collection
                )
            ).one()
        return int(count), float(newest or 0.0)

    def load(self) -> list[StoredArticle]:
        """Every stored article of the collection, by slug."""
        columns = [
            ARTICLES.c[name] for name in ("slug", "title", "url", "updated", "markdown", "path")
        ]
        with self.database.errors(), self.database.engine.connect() as conn:
            rows = conn.execute(
                select(*columns)
                .where(ARTICLES.c.collection == self.collection)
                .order_by(ARTICLES.c.slug)
            )
            return [StoredArticle(*row) for row in rows]
