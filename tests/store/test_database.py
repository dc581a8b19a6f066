"""The shared database on both engines it supports, for real: SQLite in the data dir and a
PostgreSQL server (tests/postgres.py). The record manager, the migrations, the advisory ingest
lock across processes, the stored articles, and the errors a user sees."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from careerbot.errors import DatabaseError, DatabaseUnreachableError, IndexStateError
from careerbot.settings import Settings
from careerbot.sources import load_corpus
from careerbot.store import writer_lock
from careerbot.store.articles import ArticleTable
from careerbot.store.database import SQLITE_FILE, Database
from careerbot.store.records import LEGACY_FILE, SQLRecordManager, import_legacy_records
from careerbot.store.writer_lock import shared_ingest_lock
from tests.conftest import CORPUS, free_port


@pytest.fixture(params=["sqlite", "postgresql"])
def settings_for(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings of a fresh database of each engine."""
    if request.param == "sqlite":
        return Settings(data_dir=tmp_path / "data")
    return Settings(
        data_dir=tmp_path / "data", database_url=request.getfixturevalue("database_url")
    )


def test_a_reader_creates_nothing_and_migrating_twice_is_harmless(settings_for: Settings) -> None:
    database = Database(settings_for)
    assert not database.readable()
    assert not (settings_for.data_dir / SQLITE_FILE).exists()  # a reader wrote nothing
    database.migrate()
    database.migrate()
    assert database.readable()
    assert ArticleTable(database, "c").stamp() == (0, 0.0)
    database.close()


def test_the_record_manager_round_trip(settings_for: Settings) -> None:
    with Database(settings_for) as database:
        database.migrate()
        records = SQLRecordManager(database, "ns")
        other = SQLRecordManager(database, "other")  # namespaces do not mix
        start = records.get_time()
        assert abs(start - time.time()) < 5  # PostgreSQL's clock, on this machine here
        keys = [f"k{i}" for i in range(1203)]  # more than one statement's worth
        records.update(keys, group_ids=["a.md"] * 600 + ["b.md"] * 603)
        other.update(["k1"])
        records.update(["k5"], group_ids=["b.md"], time_at_least=start)
        assert records.exists(["k0", "k1202", "nope"]) == [True, True, False]
        assert len(records.list_keys(group_ids=["b.md"])) == 604
        assert records.list_keys(after=records.get_time()) == []
        assert len(records.list_keys(before=records.get_time(), limit=10)) == 10
        records.delete_keys(keys[:1000])
        assert len(records.list_keys()) == 203 and other.list_keys() == ["k1"]
        with pytest.raises(ValueError, match="Time sync"):
            records.update(["k1"], time_at_least=time.time() + 3600)


def test_stored_articles_follow_what_an_ingest_read(settings_for: Settings) -> None:
    corpus = load_corpus(CORPUS)
    with Database(settings_for) as database:
        database.migrate()
        table = ArticleTable(database, "c")
        assert table.sync(corpus.articles, covers=lambda _: True, failed=set()) == 5
        assert table.sync(corpus.articles, covers=lambda _: True, failed=set()) == 0
        stamp = table.stamp()
        kept, *rest = corpus.articles
        # A narrower run that no longer finds an article it covers deletes its row; one that
        # failed to load, or that the run does not cover, keeps its row.
        failed = {rest[0].path}
        covered = {kept.path, rest[0].path, rest[1].path}
        assert table.sync([kept], covers=lambda p: p in covered, failed=failed) == 1
        slugs = {a.slug for a in table.load()}
        assert rest[1].slug not in slugs and {kept.slug, rest[0].slug, rest[2].slug} <= slugs
        assert table.stamp() != stamp
        page = next(a for a in table.load() if a.slug == kept.slug)
        assert page.markdown == kept.markdown and page.updated == kept.updated


def test_old_records_are_imported_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with sqlite3.connect(data / LEGACY_FILE) as old:
        old.execute("CREATE TABLE records (namespace, key, group_id, updated_at)")
        old.executemany("INSERT INTO records VALUES ('c', ?, 'a.md', 1.0)", [("x",), ("y",)])
    old.close()
    with Database(Settings(data_dir=data)) as database:
        database.migrate()
        assert import_legacy_records(database, data) == 2
        assert import_legacy_records(database, data) == 0  # renamed: once only
        assert SQLRecordManager(database, "c").list_keys() == ["x", "y"]
    assert (data / f"{LEGACY_FILE}.imported").is_file()


HOLDER = """
import sys, time
from careerbot.settings import Settings
from careerbot.store.database import Database
from careerbot.store.writer_lock import shared_ingest_lock
with Database(Settings(database_url=sys.argv[1])) as db, shared_ingest_lock(db, "c"):
    print("held", flush=True)
    time.sleep(600)
"""


def test_two_editors_on_two_machines_take_turns(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor in another process (another machine, as far as PostgreSQL knows) holds the
    collection's lock: a second waits, then stops saying why; once the first is killed -9, its
    lock goes with its connection and the second gets it."""
    monkeypatch.setattr(writer_lock, "WAIT_SECONDS", 1.0)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, database_url], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with Database(Settings(database_url=database_url)) as database:
            started = time.monotonic()
            with (
                pytest.raises(IndexStateError, match="Another editor is ingesting into c"),
                shared_ingest_lock(database, "c"),
            ):
                pass
            assert time.monotonic() - started >= 1.0  # it waited first
            with shared_ingest_lock(database, "other"):  # other collections are free
                pass
            holder.send_signal(signal.SIGKILL)
            holder.wait(timeout=10)
            with shared_ingest_lock(database, "c"):
                # Held here now: a thread (its own connection) must wait for it.
                seen: list[BaseException] = []

                def second() -> None:
                    try:
                        with shared_ingest_lock(database, "c"):
                            pass
                    except IndexStateError as exc:
                        seen.append(exc)

                thread = threading.Thread(target=second)
                thread.start()
                thread.join(timeout=10)
                assert len(seen) == 1
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_an_unreachable_or_wrong_database_says_what_to_do(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://careerbot:secret@127.0.0.1:{free_port()}/careerbot"
    database = Database(Settings(data_dir=tmp_path, database_url=url))
    started = time.monotonic()
    with pytest.raises(DatabaseUnreachableError, match="is unreachable") as caught:
        database.migrate()
    assert time.monotonic() - started < 10
    assert "secret" not in str(caught.value) and "CAREERBOT_DATABASE_URL" in str(caught.value)
    with pytest.raises(DatabaseError, match="not a database URL"):
        Database(Settings(data_dir=tmp_path, database_url="not a url"))
    with pytest.raises(DatabaseError, match="No driver"):
        Database(Settings(data_dir=tmp_path, database_url="oracle://x@y/z")).migrate()
