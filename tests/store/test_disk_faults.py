"""A full disk and a read-only data dir (a real tmpfs): the error says what to free or fix,
the last finished index keeps serving, and nothing healthy is moved aside."""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.errors import StorageEnvironmentError
from careerbot.settings import Settings
from careerbot.store.collection import forget_cached_clients
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow
QUESTION = "Which cloud certification should I get first?"


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 40 MB tmpfs, mounted for the test (we run as root in CI)."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mnt)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): {done.stderr}")
    try:
        yield mnt
    finally:
        forget_cached_clients()
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def edited_corpus(root: Path) -> Path:
    """The corpus with a new date everywhere: an ingest rewrites every chunk."""
    shutil.copytree(CORPUS, root)
    for path in root.glob("*.md"):
        path.write_text(
            re.sub(r"^updated: .+$", "updated: 2026-05-01", path.read_text(), count=1, flags=re.M)
        )
    return root


def fill(folder: Path) -> Path:
    """Write a file until the disk is full.

    Unbuffered: a buffered file kept what the last short write left over and raised ENOSPC
    again when closed, for some sizes of free space (3 of 49 sizes tried on a 1 MB tmpfs; this
    test failed that way in CI)."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 65536)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def cli_ingest(data: Path, corpus: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREERBOT_")}
    env |= {
        "CAREERBOT_DATA_DIR": str(data),
        "CAREERBOT_CORPUS_DIR": str(corpus),
        "CAREERBOT_MODEL_CACHE_DIR": os.environ["CAREERBOT_MODEL_CACHE_DIR"],
    }
    return subprocess.run(
        [sys.executable, "-m", "careerbot", "ingest", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_environment_advice(message: str, *, words: str) -> None:
    assert words in message, message
    assert "please report" not in message and "--rebuild" not in message, message
    assert "keeps serving" in message


def assert_nothing_moved(data: Path) -> None:
    assert (data / "chroma" / "chroma.sqlite3").is_file()
    assert not [p for p in data.iterdir() if ".unreadable-" in p.name]


def test_a_full_disk_says_free_space_and_the_index_keeps_serving(
    tmpfs: Path, tmp_path: Path, embedder: Embedder
) -> None:
    data = tmpfs / "data"
    settings = Settings(data_dir=data, corpus_dir=edited_corpus(tmp_path / "corpus"))
    bot = CareerBot(settings.model_copy(update={"corpus_dir": CORPUS}), embedder=embedder)
    before = bot.retrieve(QUESTION, k=3)
    filler = fill(tmpfs)
    writer = CareerBot(settings, embedder=embedder, build_if_missing=False)
    with pytest.raises(StorageEnvironmentError) as caught:
        writer.ingest()
    assert_environment_advice(str(caught.value), words=f"Free space on {tmpfs}")
    assert_nothing_moved(data)
    # The reader that was serving still answers, from the same index, and says it is healthy.
    assert bot.retrieve(QUESTION, k=3) == before
    assert bot.health()["status"] == "ok"
    # The command line says the same, with --rebuild too, and moves nothing aside.
    for args in ((), ("--rebuild",)):
        done = cli_ingest(data, settings.corpus_dir, *args)
        assert done.returncode == 1, done.stderr
        assert_environment_advice(" ".join(done.stderr.split()), words="Free space on")
        assert_nothing_moved(data)
    filler.unlink()
    report = writer.ingest()
    assert report.updated == report.chunks and report.deleted == report.chunks
    assert writer.health()["status"] == "ok"


def test_a_read_only_data_dir_says_fix_permissions_and_the_index_keeps_serving(
    tmpfs: Path, tmp_path: Path, embedder: Embedder
) -> None:
    settings = Settings(data_dir=tmpfs / "data", corpus_dir=edited_corpus(tmp_path / "corpus"))
    bot = CareerBot(settings.model_copy(update={"corpus_dir": CORPUS}), embedder=embedder)
    before = bot.retrieve(QUESTION, k=3)
    # The same files through a read-only bind mount (a remount would fail: the server has
    # them open for writing).
    view = tmp_path / "read-only"
    view.mkdir()
    subprocess.run(["mount", "--bind", str(tmpfs), str(view)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
        data = view / "data"
        writer = CareerBot(
            settings.model_copy(update={"data_dir": data}),
            embedder=embedder,
            build_if_missing=False,
        )
        with pytest.raises(StorageEnvironmentError) as caught:
            writer.ingest()
        assert_environment_advice(str(caught.value), words="read-only")
        assert bot.retrieve(QUESTION, k=3) == before
        assert bot.health()["status"] == "ok"
        for args in ((), ("--rebuild",)):
            done = cli_ingest(data, settings.corpus_dir, *args)
            assert done.returncode == 1, done.stderr
            assert_environment_advice(" ".join(done.stderr.split()), words="read-only")
            assert_nothing_moved(data)
    finally:
        forget_cached_clients()
        subprocess.run(["umount", "-l", str(view)], check=False)
    assert bot.ingest(settings.corpus_dir).updated > 0  # writable again, the same files
