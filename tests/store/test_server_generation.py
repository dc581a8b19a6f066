"""Replicas and editors in their own data dirs against one real `chroma run` server: the index's
generation lives in the collection, so readers follow an editor's ingests; editors share the
record manager, the ingest lock and the pages' articles through PostgreSQL; and a server that
is down is reported as unreachable (503, never "rebuild"), and served again once it is back."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.settings import Settings
from careerbot.store.chroma import ChunkStore
from careerbot.web.api import add_error_handler, api_router
from careerbot.web.server import create_app
from tests.conftest import CORPUS, free_port, start_chroma
from tests.corpora import copied_corpus

pytestmark = pytest.mark.slow

WORD = "zorblaxian"
EDITED = "cloud-certifications-worth-it-2026-0"
SECTION = "## Exam fees, renewals and study time\n\n"
DELETED = "ai-ml-engineer-jobs-india-2026-0"
DELETED_QUESTION = "Which companies are hiring AI and ML engineers in India?"


def on_server(
    server: tuple[str, int], collection: str, data_dir: Path, corpus: Path, **more: Any
) -> Settings:
    """Settings of one machine (its own data dir) using ``collection`` on the Chroma server."""
    host, port = server
    return Settings(
        chroma_host=host,
        chroma_port=port,
        collection=collection,
        data_dir=data_dir,
        corpus_dir=corpus,
        **more,
    )


def until_all(
    bots: dict[str, CareerBot], check: Callable[[CareerBot], bool], timeout: float = 2.0
) -> dict[str, float]:
    """Poll each bot in its own thread (each is a replica) until ``check`` holds for it;
    returns the seconds until it first held, by bot (fails after ``timeout``)."""
    start = time.monotonic()

    def poll(bot: CareerBot) -> float:
        while not check(bot):
            assert time.monotonic() - start < timeout, f"not within {timeout} s"
            time.sleep(0.02)
        return round(time.monotonic() - start, 2)

    with ThreadPoolExecutor(len(bots)) as pool:
        polls = {name: pool.submit(poll, bot) for name, bot in bots.items()}
        return {name: polled.result() for name, polled in polls.items()}


def test_replicas_follow_an_editor_in_another_data_dir(
    chroma_server: tuple[str, int], embedder: Embedder, tmp_path: Path
) -> None:
    corpus = copied_corpus(tmp_path / "corpus", 1)

    def settings(data: str, mode: str = "hybrid") -> Settings:
        return on_server(chroma_server, "replicas", tmp_path / data, corpus, retrieval_mode=mode)

    editor = CareerBot(settings("editor"), embedder=embedder, build_if_missing=True)
    assert editor.last_ingest is not None and editor.last_ingest.chunks == 37
    # Replicas A and B, each asked in both modes (a data dir per bot: none shares files).
    readers = {
        f"{name}-{mode}": CareerBot(settings(f"{name}-{mode}", mode), embedder=embedder)
        for name in ("a", "b")
        for mode in ("hybrid", "bm25")
    }
    for bot in readers.values():
        assert bot.last_ingest is None  # the collection was there: nothing written
        assert bot.retrieve(DELETED_QUESTION) and bot.health()["keyword_index"] == "in step"

    def serves(bot: CareerBot) -> bool:
        assert bot.health()["status"] == "ok"
        return any(WORD in p.text for p in bot.retrieve(WORD))

    assert not any(serves(bot) for bot in readers.values())
    article = corpus / f"{EDITED}.md"
    text = article.read_text()
    assert SECTION in text
    article.write_text(text.replace(SECTION, f"{SECTION}Some call it a {WORD} badge. "))
    assert editor.ingest().updated >= 1
    print(f"edit served after {until_all(readers, serves)} s")

    (corpus / f"{DELETED}.md").unlink()
    assert editor.ingest().deleted > 0
    gone = next(t for t in readers["a-hybrid"].titles() if "India" in t)

    def forgot(bot: CareerBot) -> bool:
        found = bot.retrieve(DELETED_QUESTION)
        return gone not in bot.titles() and not any(DELETED in p.url for p in found)

    print(f"deletion served after {until_all(readers, forgot)} s")
    for bot in readers.values():
        answer = bot.ask(DELETED_QUESTION)
        cited = [c.url for c in answer.citations] + [p.url for p in answer.passages]
        assert cited and not any(DELETED in url for url in cited)
        assert not any(gone in line for line in answer.text.splitlines())
    for bot in readers.values():
        assert serves(bot) and bot.health()["keyword_index"] == "in step"


def test_a_server_down_is_unreachable_not_corrupt_and_served_again_once_back(
    embedder: Embedder, tmp_path: Path
) -> None:
    port = free_port()
    db, log = tmp_path / "chroma", tmp_path / "chroma.log"
    server = start_chroma(db, port, log)
    try:
        settings = Settings(
            chroma_host="127.0.0.1", chroma_port=port, data_dir=tmp_path / "a", corpus_dir=CORPUS
        )
        bot = CareerBot(settings, embedder=embedder, build_if_missing=True)
        app = FastAPI()
        add_error_handler(app, settings.data_dir)
        app.include_router(api_router(bot))
        client = TestClient(app)
        question = {"question": "Which cloud should my first certification be on?"}
        assert client.get("/api/health").status_code == 200
        assert client.post("/api/ask", json=question).status_code == 200

        server.kill()
        server.wait(timeout=20)
        started = time.monotonic()
        asked = client.post("/api/ask", json=question)  # the first call after the kill
        print(f"{time.monotonic() - started:.2f} s: {asked.status_code} {asked.json()}")
        reader = {"reader": bot}
        # /api/health caches its check for a second; each check is tried three times.
        down = until_all(reader, lambda _: client.get("/api/health").status_code == 503, 5)
        print(f"health said so after {down} s")
        for _ in range(2):  # health (cached for a second) and ask, twice
            started = time.monotonic()
            got = [asked, client.get("/api/health"), client.post("/api/ask", json=question)]
            assert time.monotonic() - started < 4
            for response in got:
                message = response.json()["error"]
                assert response.status_code == 503, message
                assert f"127.0.0.1:{port} is unreachable" in message and "retrying" in message
                assert "rebuild" not in message.lower()
            asked = got[-1]

        server = start_chroma(db, port, log)
        took = until_all(reader, lambda _: client.get("/api/health").status_code == 200, 10)
        print(f"served again {took} s after the restart")
        answer = client.post("/api/ask", json=question)
        assert answer.status_code == 200 and answer.json()["citations"]
    finally:
        server.kill()
        server.wait(timeout=20)


def test_editors_anywhere_share_records_a_lock_and_the_pages(
    chroma_server: tuple[str, int],
    database_url: str,
    embedder: Embedder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two editors in their own data dirs (machines) share the record manager and the ingest
    lock through PostgreSQL; a replica with no corpus folder renders the pages from it."""

    def settings(data: str, corpus: Path, url: str | None = database_url) -> Settings:
        return on_server(chroma_server, "editors", tmp_path / data, corpus, database_url=url)

    corpus_a = copied_corpus(tmp_path / "corpus-a", 1)
    corpus_b = copied_corpus(tmp_path / "corpus-b", 1)
    first = CareerBot(settings("editor-a", corpus_a), embedder=embedder, build_if_missing=True)
    assert first.last_ingest is not None and first.last_ingest.chunks == 37

    written: list[int] = []
    upsert = ChunkStore.upsert

    def counted(self: ChunkStore, ids: Sequence[str], *args: Any, **kwargs: Any) -> Any:
        written.append(len(ids))
        return upsert(self, ids, *args, **kwargs)

    monkeypatch.setattr(ChunkStore, "upsert", counted)
    # A fresh editor, same database: its first ingest of the unchanged corpus writes nothing.
    second = CareerBot(settings("editor-b", corpus_b), embedder=embedder)
    report = second.ingest()
    assert (report.embedded, report.added, report.updated, report.deleted) == (0, 0, 0, 0)
    assert written == []
    # The control: an editor with a database of its own rewrites every chunk (no embedding).
    alone = CareerBot(settings("editor-c", corpus_b, url=None), embedder=embedder).ingest()
    assert alone.embedded == 0 and sum(written) == 37
    monkeypatch.setattr(ChunkStore, "upsert", upsert)

    # A replica with no corpus folder serves the pages an editor stored.
    empty = tmp_path / "no-corpus"
    empty.mkdir()
    replica = CareerBot(settings("replica", empty), embedder=embedder)
    client = TestClient(create_app(replica))
    assert client.get(f"/articles/{EDITED}").status_code == 200
    assert "India" in client.get("/articles").text

    # Both editors change one section at once, each its own way: one waits for the other's
    # lock, so the collection ends with one version of it (the last run's), never two.
    for corpus, word in ((corpus_a, "quarbelian"), (corpus_b, "vexorian")):
        article = corpus / f"{EDITED}.md"
        article.write_text(article.read_text().replace(SECTION, f"{SECTION}A {word} exam. "))
    with ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(bot.ingest) for bot in (first, second)]
        reports = [run.result() for run in runs]
    assert all(r.updated >= 1 for r in reports)
    versions = [
        text for text in first.store.all_texts()[1] if "quarbelian" in text or "vexorian" in text
    ]
    assert len(versions) == 1, versions
    last = "quarbelian" if "quarbelian" in versions[0] else "vexorian"
    took = until_all({"replica": replica}, lambda _: last in client.get(f"/articles/{EDITED}").text)
    print(f"edited page served after {took} s")

    (corpus_a / f"{DELETED}.md").unlink()
    assert first.ingest().deleted > 0
    took = until_all(
        {"replica": replica},
        lambda _: (
            client.get(f"/articles/{DELETED}").status_code == 404
            and "India" not in client.get("/articles").text
        ),
    )
    print(f"deleted page gone after {took} s")
