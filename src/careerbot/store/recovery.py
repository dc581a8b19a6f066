"""Recovery of an embedded Chroma database that cannot be opened: move it aside, to rebuild.

Only a database that is really damaged moves: one whose SQLite file fails its own check. A
healthy one that could not be opened for another reason (a full or read-only disk, a missing
vector segment, which ``careerbot ingest`` repairs) stays where it is.

A vector segment whose ``index_metadata.pickle`` is cut short (Chroma rewrites it in place, so
a kill at that moment leaves it torn) makes every read fail, texts included. Moved aside, the
segment is merely missing: the texts read again and the repair re-embeds them.
"""

from __future__ import annotations

import pickletools
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


SEGMENT_METADATA = "index_metadata.pickle"


def _torn(pickled: Path) -> bool:
    """Whether a segment's metadata pickle is empty or cut short (parsed, never executed)."""
    try:
        data = pickled.read_bytes()
        return not data or not any(op.name == "STOP" for op, _, _ in pickletools.genops(data))
    except (OSError, ValueError):
        return True


def set_aside_torn_segments(settings: Settings) -> list[Path]:
    """Move the embedded database's vector segments whose metadata is torn out of the way (kept
    beside it for inspection), so the collection reads again and can be repaired. Returns the
    folders moved (none for a server, or when every segment is whole)."""
    path = settings.chroma_path
    if settings.chroma_host or not path.is_dir():
        return []
    return _move_aside(
        path, [p.parent for p in sorted(path.glob(f"*/{SEGMENT_METADATA}")) if _torn(p)]
    )


def set_aside_vector_segments(settings: Settings, collection: str) -> list[Path]:
    """Move every vector segment of the embedded database's ``collection`` out of the way (kept
    beside it for inspection), whole or not: for a segment Chroma cannot apply its write log
    to, which makes every read fail though its files look whole. The texts read again and the
    repair re-embeds them. Returns the folders moved (none for a server or an unknown name)."""
    path = settings.chroma_path
    database = path / "chroma.sqlite3"
    if settings.chroma_host or not database.is_file():
        return []
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
            rows = db.execute(
                "SELECT s.id FROM segments s JOIN collections c ON c.id = s.collection"
                " WHERE c.name = ? AND s.scope = 'VECTOR'",
                (collection,),
            ).fetchall()
    except sqlite3.Error:
        return []
    return _move_aside(path, [path / str(s) for (s,) in rows if (path / str(s)).is_dir()])


def _move_aside(path: Path, folders: list[Path]) -> list[Path]:
    """Move vector segment ``folders`` of the database at ``path`` beside it
    (``chroma.torn-<segment>-<time>``); the places they went."""
    moved = []
    for folder in folders:
        target = path.with_name(f"{path.name}.torn-{folder.name}-{time.strftime('%Y%m%d-%H%M%S')}")
        folder.rename(target)
        moved.append(target)
    if moved:
        forget_cached_clients()
    return moved
