"""A persistent LangChain record manager on the standard library's sqlite3.

``langchain_core.indexing.index`` uses it to remember which chunk keys are in the vector store
and when each was last seen, so a re-ingest skips unchanged chunks and a ``full`` or
``scoped_full`` cleanup deletes what disappeared.

Why our own rather than langchain-classic's ``SQLRecordManager``: langchain-classic only gets
security fixes and brings SQLAlchemy along; this is one small table, every write is one
transaction, and the file sits in the data dir beside the collection it describes.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from langchain_core.indexing import RecordManager

from careerbot.settings import Settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    namespace  TEXT NOT NULL,
    key        TEXT NOT NULL,
    group_id   TEXT,
    updated_at REAL NOT NULL,
    PRIMARY KEY (namespace, key)
);
CREATE INDEX IF NOT EXISTS records_group ON records (namespace, group_id);
CREATE INDEX IF NOT EXISTS records_time ON records (namespace, updated_at);
"""


def records_path(settings: Settings) -> Path:
    """The record manager's SQLite file, in the data dir (one file; a namespace per collection)."""
    return settings.data_dir / "records.sqlite3"


class SQLiteRecordManager(RecordManager):
    """Records of what the collection holds, in one SQLite file (WAL mode, one transaction per
    write)."""

    @classmethod
    def for_collection(cls, settings: Settings, collection: str) -> SQLiteRecordManager:
        """The record manager of one collection, at :func:`records_path`."""
        return cls(namespace=collection, path=records_path(settings))

    def __init__(self, namespace: str, path: Path) -> None:
        super().__init__(namespace)
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._last_time = 0.0
        self.create_schema()

    def close(self) -> None:
        """Close the database file."""
        self._db.close()

    def create_schema(self) -> None:
        """Create the table (idempotent)."""
        with self._lock:
            self._db.executescript(SCHEMA)

    async def acreate_schema(self) -> None:
        """Async twin of :meth:`create_schema`."""
        self.create_schema()

    def get_time(self) -> float:
        """Wall-clock seconds, never going backwards within this process."""
        self._last_time = max(time.time(), self._last_time + 1e-6)
        return self._last_time

    async def aget_time(self) -> float:
        """Async twin of :meth:`get_time`."""
        return self.get_time()

    def update(
        self,
        keys: Sequence[str],
        *,
        group_ids: Sequence[str | None] | None = None,
        time_at_least: float | None = None,
    ) -> None:
        """Insert or refresh ``keys`` with the current time (and their group ids)."""
        if group_ids is None:
            group_ids = [None] * len(keys)
        if len(group_ids) != len(keys):
            raise ValueError("keys and group_ids must have the same length")
        now = self.get_time()
        if time_at_least is not None and now < time_at_least:
            raise ValueError(f"Time sync issue: {now} < {time_at_least}")
        rows = [(self.namespace, k, g, now) for k, g in zip(keys, group_ids, strict=True)]
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT INTO records (namespace, key, group_id, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (namespace, key) DO UPDATE SET "
                "group_id = excluded.group_id, updated_at = excluded.updated_at",
                rows,
            )

    async def aupdate(
        self,
        keys: Sequence[str],
        *,
        group_ids: Sequence[str | None] | None = None,
        time_at_least: float | None = None,
    ) -> None:
        """Async twin of :meth:`update`."""
        self.update(keys, group_ids=group_ids, time_at_least=time_at_least)

    def exists(self, keys: Sequence[str]) -> list[bool]:
        """Whether each key is recorded."""
        found: set[str] = set()
        with self._lock:
            for start in range(0, len(keys), 500):
                part = list(keys[start : start + 500])
                marks = ",".join("?" * len(part))
                found.update(
                    row[0]
                    for row in self._db.execute(
                        f"SELECT key FROM records WHERE namespace = ? AND key IN ({marks})",
                        [self.namespace, *part],
                    )
                )
        return [k in found for k in keys]

    async def aexists(self, keys: Sequence[str]) -> list[bool]:
        """Async twin of :meth:`exists`."""
        return self.exists(keys)

    def list_keys(
        self,
        *,
        before: float | None = None,
        after: float | None = None,
        group_ids: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[str]:
        """Keys matching every given filter."""
        sql = "SELECT key FROM records WHERE namespace = ?"
        args: list[object] = [self.namespace]
        if before is not None:
            sql += " AND updated_at < ?"
            args.append(before)
        if after is not None:
            sql += " AND updated_at > ?"
            args.append(after)
        if group_ids is not None:
            sql += f" AND group_id IN ({','.join('?' * len(group_ids))})"
            args.extend(group_ids)
        sql += " ORDER BY key"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        with self._lock:
            return [row[0] for row in self._db.execute(sql, args)]

    async def alist_keys(
        self,
        *,
        before: float | None = None,
        after: float | None = None,
        group_ids: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[str]:
        """Async twin of :meth:`list_keys`."""
        return self.list_keys(before=before, after=after, group_ids=group_ids, limit=limit)

    def delete_keys(self, keys: Sequence[str]) -> None:
        """Forget ``keys``."""
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "DELETE FROM records WHERE namespace = ? AND key = ?",
                [(self.namespace, k) for k in keys],
            )

    async def adelete_keys(self, keys: Sequence[str]) -> None:
        """Async twin of :meth:`delete_keys`."""
        self.delete_keys(keys)
