"""The SQL database of state every editor and replica shares (the record manager's records,
the ingest lock, the articles the pages show): SQLite in the data dir by default, PostgreSQL
when ``database_url`` says so. SQLAlchemy Core speaks both; Alembic migrates the schema.

An ingest migrates (under its lock), and so does the app before it first logs a question or a
rating; reading never creates or alters anything (it sees an empty database until then).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from careerbot.errors import DatabaseError, DatabaseUnreachableError
from careerbot.settings import Settings
from careerbot.store.environment import environment_error

SQLITE_FILE = "careerbot.sqlite3"
MIGRATION_LOCK = 0x6361726565726264  # the advisory lock migrations take in PostgreSQL
CONNECT_TIMEOUT = 5  # seconds: an unreachable server fails fast with advice, not a hang


def database_url(settings: Settings) -> URL:
    """``settings.database_url``, or SQLite at ``<data_dir>/careerbot.sqlite3``."""
    raw = settings.database_url or f"sqlite:///{settings.data_dir.resolve() / SQLITE_FILE}"
    try:
        return make_url(raw)
    except ArgumentError as exc:
        raise DatabaseError(
            f"CAREERBOT_DATABASE_URL is not a database URL ({exc}); use e.g. "
            "postgresql+psycopg://user@host/careerbot or sqlite:////path/to/file.sqlite3."
        ) from None


class Database:
    """One database's engine, made on first use; ``close()`` releases its connections."""

    def __init__(self, settings: Settings) -> None:
        self.url = database_url(settings)
        self._engine: Engine | None = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every pooled connection (the engine is made again if used after)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    @property
    def is_postgres(self) -> bool:
        """Whether this is PostgreSQL (shared by machines: advisory locks, server time)."""
        return self.url.get_backend_name() == "postgresql"

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file, or None for a server database or an in-memory SQLite."""
        if self.url.get_backend_name() != "sqlite" or self.url.database in (None, "", ":memory:"):
            return None
        return Path(self.url.database)

    def describe(self) -> str:
        """The URL without its password, for messages."""
        return self.url.render_as_string(hide_password=True)

    @property
    def engine(self) -> Engine:
        """The engine (SQLite: WAL, a 30 s busy wait; PostgreSQL: a 5 s connect timeout)."""
        if self._engine is None:
            with self.errors():
                self._engine = self._make_engine()
        return self._engine

    def _make_engine(self) -> Engine:
        if self.url.get_backend_name() == "sqlite":
            engine = create_engine(
                self.url, connect_args={"timeout": 30, "check_same_thread": False}
            )

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi: Any, _record: Any) -> None:
                cursor = dbapi.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=FULL")
                cursor.close()

            return engine
        connect_args = {"connect_timeout": CONNECT_TIMEOUT} if self.is_postgres else {}
        return create_engine(self.url, pool_pre_ping=True, connect_args=connect_args)

    def readable(self) -> bool:
        """Whether there is a schema to read (a reader never creates the SQLite file)."""
        path = self.sqlite_path
        if path is not None and not path.exists():
            return False
        with self.errors(), self.engine.connect() as conn:
            return inspect(conn).has_table("alembic_version")

    def migrate(self) -> None:
        """Bring the schema to the newest revision (idempotent; run under the ingest lock)."""
        from alembic import command
        from alembic.config import Config

        path = self.sqlite_path
        if path is not None:
            with self.errors():
                path.parent.mkdir(parents=True, exist_ok=True)
        config = Config()
        config.set_main_option("script_location", str(files("careerbot.store") / "migrations"))
        with self.errors(), self.engine.begin() as conn:
            if self.is_postgres:  # replicas and editors starting at once migrate in turn
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def now(self, conn: Connection) -> float:
        """Seconds since the epoch by the database's clock when several machines share it
        (so editors' clocks cannot disagree about what a run touched), else this machine's."""
        if self.is_postgres:
            return float(
                conn.execute(text("SELECT EXTRACT(EPOCH FROM CLOCK_TIMESTAMP())")).scalar_one()
            )
        return time.time()

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Turn driver errors into careerbot's: unreachable, disk full, or what to check."""
        try:
            yield
        except (NoSuchModuleError, ImportError) as exc:
            raise DatabaseError(
                f"No driver for {self.describe()} ({exc}): use postgresql+psycopg:// (psycopg 3 "
                "comes with careerbot) or sqlite:///."
            ) from None
        except DBAPIError as exc:
            raise self._translate(exc) from exc
        except SQLAlchemyError as exc:
            raise DatabaseError(f"The database {self.describe()} failed: {exc}") from exc

    def _translate(self, exc: DBAPIError) -> Exception:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        path = self.sqlite_path
        if path is not None:  # a full or read-only disk: what to free or fix, as for Chroma
            disk = environment_error(exc.orig or exc, path.parent)
            if disk is not None:
                return disk
        if self.is_postgres and (exc.connection_invalidated or _is_connect_failure(reason)):
            return DatabaseUnreachableError(
                f"The database {self.describe()} is unreachable ({reason}). careerbot retries "
                "on the next request; check that PostgreSQL runs and CAREERBOT_DATABASE_URL."
            )
        return DatabaseError(f"The database {self.describe()} failed: {reason}")


def _is_connect_failure(reason: str) -> bool:
    words = (
        "connection refused",
        "could not connect",
        "timeout expired",
        "server closed",
        "connection failed",
        "no route to host",
        "could not translate host name",
    )
    return any(w in reason.lower() for w in words)
