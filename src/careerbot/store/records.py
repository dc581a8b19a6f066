"""A persistent LangChain record manager in the shared database (:mod:`.database`).

``langchain_core.indexing.index`` uses it to remember which chunk keys are in the vector store
and when each was last fed, so a re-ingest skips unchanged chunks and a ``full`` or
``scoped_full`` cleanup deletes what disappeared. In PostgreSQL every editor shares it, so an
editor's first ingest of an unchanged corpus writes nothing.

Why our own rather than langchain-classic's ``SQLRecordManager``: langchain-classic only gets
security fixes; this is one table of our schema (migrated with the others), every write one
transaction, and times come from the database's clock when machines share it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from langchain_core.indexing import RecordManager
from sqlalchemy import and_, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from careerbot.store.database import Database
from careerbot.store.tables import RECORDS

_CHUNK = 500  # keys per statement: SQLite allows 32k parameters, PostgreSQL 65k


class SQLRecordManager(RecordManager):
    """Records of what one collection (the namespace) holds, in the shared database."""

    def __init__(self, database: Database, namespace: str) -> None:
        super().__init__(namespace)
        self.database = database
        self._last_time = 0.0

    def create_schema(self) -> None:
        """Migrate the database to the newest schema (idempotent)."""
        self.database.migrate()

    async def acreate_schema(self) -> None:
        """Async twin of :meth:`create_schema`."""
        self.create_schema()

    def get_time(self) -> float:
        """The database's time (see :meth:`Database.now`), never going backwards here."""
        with self.database.errors(), self.database.engine.connect() as conn:
            now = self.database.now(conn)
        self._last_time = max(now, self._last_time + 1e-6)
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
        if not keys:
            return
        rows = [
            {"namespace": self.namespace, "key": k, "group_id": g, "updated_at": now}
            for k, g in zip(keys, group_ids, strict=True)
        ]
        dialect = postgresql if self.database.is_postgres else sqlite
        insert = dialect.insert(RECORDS)
        upsert = insert.on_conflict_do_update(
            index_elements=["namespace", "key"],
            set_={"group_id": insert.excluded.group_id, "updated_at": insert.excluded.updated_at},
        )
        with self.database.errors(), self.database.engine.begin() as conn:
            for start in range(0, len(rows), _CHUNK):
                conn.execute(upsert, rows[start : start + _CHUNK])

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
        with self.database.errors(), self.database.engine.connect() as conn:
            for start in range(0, len(keys), _CHUNK):
                part = list(keys[start : start + _CHUNK])
                query = select(RECORDS.c.key).where(
                    and_(RECORDS.c.namespace == self.namespace, RECORDS.c.key.in_(part))
                )
                found.update(conn.scalars(query))
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
        query: Any = select(RECORDS.c.key).where(RECORDS.c.namespace == self.namespace)
        if before is not None:
            query = query.where(RECORDS.c.updated_at < before)
        if after is not None:
            query = query.where(RECORDS.c.updated_at > after)
        if group_ids is not None:
            query = query.where(RECORDS.c.group_id.in_(list(group_ids)))
        query = query.order_by(RECORDS.c.key)
        if limit is not None:
            query = query.limit(limit)
        with self.database.errors(), self.database.engine.connect() as conn:
            return list(conn.scalars(query))

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
        with self.database.errors(), self.database.engine.begin() as conn:
            for start in range(0, len(keys), _CHUNK):
                part = list(keys[start : start + _CHUNK])
                conn.execute(
                    delete(RECORDS).where(
                        and_(RECORDS.c.namespace == self.namespace, RECORDS.c.key.in_(part))
                    )
                )

    async def adelete_keys(self, keys: Sequence[str]) -> None:
        """Async twin of :meth:`delete_keys`."""
        self.delete_keys(keys)


LEGACY_FILE = "records.sqlite3"


def import_legacy_records(database: Database, data_dir: Path) -> int:
    """Copy the records of ``<data_dir>/records.sqlite3`` (where they lived before the shared
    database) once, then rename that file ``*.imported``: the first ingest after the upgrade
    then rewrites nothing. Returns the rows copied."""
    legacy = data_dir / LEGACY_FILE
    if not legacy.is_file():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{legacy}?mode=ro", uri=True)) as old:
            rows = old.execute("SELECT namespace, key, group_id, updated_at FROM records")
            records = [
                {"namespace": n, "key": k, "group_id": g, "updated_at": t} for n, k, g, t in rows
            ]
    except sqlite3.Error:
        return 0  # unreadable: the next ingest rewrites (without re-embedding) what it finds
    dialect = postgresql if database.is_postgres else sqlite
    with database.errors(), database.engine.begin() as conn:
        for start in range(0, len(records), _CHUNK):
            conn.execute(
                dialect.insert(RECORDS).on_conflict_do_nothing(), records[start : start + _CHUNK]
            )
    legacy.rename(legacy.with_name(LEGACY_FILE + ".imported"))
    return len(records)
