"""Telling a full or read-only disk from a damaged index, by the error and by the disk.

The real full and read-only disks are in test_disk_faults.py (tmpfs mounts)."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from careerbot.store.environment import disk_state, environment_error, kind_of


def test_the_words_and_errnos_of_a_full_or_read_only_disk() -> None:
    assert kind_of(sqlite3.OperationalError("database or disk is full")) == "full"
    assert kind_of(OSError(errno.ENOSPC, "No space left on device")) == "full"
    assert kind_of(OSError(errno.EROFS, "Read-only file system")) == "read-only"
    assert kind_of(PermissionError(errno.EACCES, "Permission denied")) == "read-only"
    assert kind_of(sqlite3.OperationalError("attempt to write a readonly database")) == "read-only"
    wrapped = RuntimeError("chromadb failed")
    wrapped.__cause__ = OSError(errno.ENOSPC, "No space left on device")
    assert kind_of(wrapped) == "full"
    assert kind_of(sqlite3.DatabaseError("file is not a database")) is None
    assert kind_of(ValueError("Error finding id")) is None


def test_a_damaged_index_on_a_healthy_disk_is_not_the_disks_fault(tmp_path: Path) -> None:
    assert disk_state(tmp_path / "not" / "made" / "yet") is None
    assert environment_error(sqlite3.DatabaseError("file is not a database"), tmp_path) is None
    full = environment_error(sqlite3.OperationalError("database or disk is full"), tmp_path)
    assert full is not None and "Free space on" in str(full) and "rebuild" not in str(full)
    assert str(tmp_path.parent) not in str(full).split("Free space on")[0]  # no full data-dir path
