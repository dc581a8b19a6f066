"""Recovery of an embedded Chroma database that cannot be opened: move it aside, to rebuild.

Only a database that is really damaged moves: one whose SQLite file fails its own check. A
healthy one that could not be opened for another reason (a full or read-only disk, a missing
vector segment, which ``careerbot ingest`` repairs) stays where it is.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from careerbot.settings import Settings
from careerbot.store.collection import forget_cached_clients


def database_is_sound(path: Path) -> bool:
    """Whether the SQLite file at ``path`` opens read-only and passes ``PRAGMA quick_check``."""
    if not path.is_file():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            row = db.execute("PRAGMA quick_check").fetchone()
    except sqlite3.Error:
        return False
    return bool(row) and row[0] == "ok"


def set_aside_local_index(settings: Settings) -> Path | None:
    """Move an unreadable embedded database out of the way (kept for inspection), for a rebuild.

    Returns where it went, or None when there was nothing to move (none on disk, a server, or
    a database that is sound: then the cause lies elsewhere, and the error stands).
    """
    path = settings.chroma_path
    if settings.chroma_host or not path.exists():
        return None
    if database_is_sound(path / "chroma.sqlite3"):
        return None
    target = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
    path.rename(target)
    forget_cached_clients()
    return target
