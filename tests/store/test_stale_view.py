"""A reader whose view of the embedded database went stale without a new stamp (an ingest
killed after its deletes, before it stamped the index) reopens it, but never while an ingest
is writing."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.errors import IndexStateError
from careerbot.ingest.run import ingest
from careerbot.retrieval.health import CACHE_SECONDS
from careerbot.settings import Settings
from careerbot.store.chroma import ChunkStore
from careerbot.store.writer_lock import ingest_lock, no_ingest
from tests.conftest import CORPUS

HEALTH_CACHE_SECONDS = CACHE_SECONDS + 0.1  # past health's cached answer
QUESTION = "Which cloud certification should I get first?"

# Another process replaces every chunk (same vectors, new ids) and stamps nothing.
REPLACE = """
import sys, chromadb
client = chromadb.PersistentClient(path=sys.argv[1], settings=chromadb.Settings(anonymized_telemetry=False))
col = client.get_collection(sys.argv[2])
got = col.get(include=["embeddings", "documents", "metadatas"])
col.delete(ids=got["ids"])
col.add(ids=[i + "~new" for i in got["ids"]], embeddings=got["embeddings"],
        documents=got["documents"], metadatas=got["metadatas"])
"""


@pytest.fixture
def reader(settings: Settings, embedder: Embedder) -> tuple[ChunkStore, CareerBot]:
    """An index, and a reader's bot over it (which builds nothing)."""
    store = ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)
    ingest(CORPUS, store, embedder)
    return store, CareerBot(settings, embedder=embedder, build_if_missing=False)


def test_a_stale_view_is_reopened_when_no_ingest_is_writing(
    settings: Settings, reader: tuple[ChunkStore, CareerBot]
) -> None:
    store, bot = reader
    assert len(bot.retrieve(QUESTION, k=5)) == 5
    stamp = store.sidecar.read_stamp()
    subprocess.run(
        [sys.executable, "-c", REPLACE, str(settings.chroma_path), store.name],
        check=True,
        timeout=120,
    )
    assert store.sidecar.read_stamp() == stamp  # nothing told the reader
    found = bot.retrieve(QUESTION, k=5)
    assert len(found) == 5, found


# What a repair does (careerbot.ingest.repair): the collection deleted and made anew, same ids.
REMAKE = """
import sys, chromadb
client = chromadb.PersistentClient(path=sys.argv[1], settings=chromadb.Settings(anonymized_telemetry=False))
col = client.get_collection(sys.argv[2])
got = col.get(include=["embeddings", "documents", "metadatas"])
meta, config = col.metadata, col.configuration
client.delete_collection(sys.argv[2])
col = client.create_collection(sys.argv[2], metadata=meta, configuration=config)
col.add(ids=got["ids"], embeddings=got["embeddings"], documents=got["documents"],
        metadatas=got["metadatas"])
"""


def test_a_collection_made_anew_by_another_process_is_found_again_or_waited_for(
    settings: Settings, reader: tuple[ChunkStore, CareerBot]
) -> None:
    store, bot = reader
    before = bot.retrieve(QUESTION, k=3)
    remake = [sys.executable, "-c", REMAKE, str(settings.chroma_path), store.name]
    subprocess.run(remake, check=True, timeout=120)
    # Its old collection is gone under the reader: a fresh view finds the new one.
    assert [p.section for p in bot.retrieve(QUESTION, k=3)] == [p.section for p in before]
    subprocess.run(remake, check=True, timeout=120)
    with ingest_lock(settings.data_dir), pytest.raises(IndexStateError) as caught:
        bot.retrieve(QUESTION, k=3)  # an ingest is writing: no reopening beside it
    assert "Ask again in a few seconds" in str(caught.value)
    assert "--rebuild" not in str(caught.value)
    assert len(bot.retrieve(QUESTION, k=3)) == 3  # once it is over
    # Health and a whole question too (the kill -9 fault test's readers, in CI, were told
    # "cannot be read … --rebuild" while a repair's collection was made anew under them).
    subprocess.run(remake, check=True, timeout=120)
    time.sleep(HEALTH_CACHE_SECONDS)
    with ingest_lock(settings.data_dir):
        with pytest.raises(IndexStateError) as caught:
            bot.health()  # its view's collection is gone: wait, not rebuild
        assert "Ask again in a few seconds" in str(caught.value)
        assert "--rebuild" not in str(caught.value)
        assert bot.ask(QUESTION).citations  # and the next call found the new one by name
    time.sleep(HEALTH_CACHE_SECONDS)
    assert bot.health()["status"] == "ok"
    assert bot.ask(QUESTION).citations


def test_no_ingest_sees_the_lock_and_an_ingest_waits_out_a_reader(settings: Settings) -> None:
    data = settings.data_dir

    def idle() -> bool:
        with no_ingest(data) as free:
            return free

    assert idle()
    with ingest_lock(data):
        assert not idle()
    assert idle()
    # A reader holds the lock shared for a moment; an ingest starting then still runs.
    checks = threading.Thread(target=lambda: [idle() for _ in range(2000)])
    checks.start()
    for _ in range(20):
        with ingest_lock(data):
            pass
    checks.join()
