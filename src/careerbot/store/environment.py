"""Failures of the disk under the data dir (full, read-only, no permission), told apart from a
damaged index.

chromadb and sqlite3 report a full disk or a read-only folder as their own exception types
with the operating system's words in the message; those words, or an ``OSError`` with one of
these errnos, mean the environment is at fault. The advice is then to free space or fix
permissions: a rebuild would not help, and moving the index aside would destroy a healthy one.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from careerbot.errors import StorageEnvironmentError, causes

FULL = ("database or disk is full", "no space left on device", "disk quota exceeded")
READ_ONLY = (
    "read-only file system",
    "readonly database",
    "permission denied",
    "operation not permitted",
)
# Free space under which a failed write is put down to a full disk.
FULL_BELOW_BYTES = 1 << 20
FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


def kind_of(exc: BaseException) -> str | None:
    """``"full"`` or ``"read-only"`` when ``exc`` (or one it came from) is the disk's fault."""
    for seen in causes(exc):
        if isinstance(seen, OSError) and seen.errno is not None:
            if seen.errno in FULL_ERRNOS:
                return "full"
            if seen.errno in READ_ONLY_ERRNOS:
                return "read-only"
        text = str(seen).lower()
        if any(words in text for words in FULL):
            return "full"
        if any(words in text for words in READ_ONLY):
            return "read-only"
    return None


def disk_state(path: Path) -> str | None:
    """``"full"`` or ``"read-only"`` when the file system holding ``path`` is so now: SQLite
    often reports either as a bare "disk I/O error"."""
    at = path
    while not at.exists() and at != at.parent:
        at = at.parent
    try:
        stats = os.statvfs(at)
    except OSError:
        return None
    if stats.f_flag & os.ST_RDONLY:
        return "read-only"
    if stats.f_bavail * stats.f_frsize < FULL_BELOW_BYTES:
        return "full"
    return None


def mount_point(path: Path) -> Path:
    """The mount point holding ``path`` (the device to free space on)."""
    at = path.resolve()
    while not at.exists() and at != at.parent:
        at = at.parent
    while not os.path.ismount(at) and at != at.parent:
        at = at.parent
    return at


def environment_error(
    exc: BaseException, data_dir: Path, what: str = "written"
) -> StorageEnvironmentError | None:
    """The :class:`StorageEnvironmentError` for ``exc``, or None when it is not the disk's
    fault (by its words, or because the disk is full or read-only right now). ``what`` is what could not be done to the index ("written", "read", ...)."""
    kind = kind_of(exc) or disk_state(data_dir)
    if kind is None:
        return None
    if kind == "full":
        return StorageEnvironmentError(
            f"The index in {data_dir.name}/ could not be {what}: the disk is full ({exc}). "
            f"Free space on {mount_point(data_dir)} and run the ingest again; the last "
            "finished index is unchanged and keeps serving."
        )
    return StorageEnvironmentError(
        f"The index in {data_dir.name}/ could not be {what}: the data dir is read-only or "
        f"not writable by this user ({exc}). Fix its permissions (or mount it read-write) "
        "and run the ingest again; the last finished index is unchanged and keeps serving."
    )


@contextmanager
def storage_errors(data_dir: Path, what: str = "written") -> Iterator[None]:
    """Raise a full or read-only disk met in the block as :class:`StorageEnvironmentError`."""
    try:
        yield
    except StorageEnvironmentError:
        raise
    except (OSError, sqlite3.Error) as exc:
        found = environment_error(exc, data_dir, what)
        if found is None:
            raise
        raise found from exc
