"""Recovery of an embedded Chroma database that cannot be opened: move it aside, to rebuild."""

from __future__ import annotations

import time
from pathlib import Path

from careerbot.settings import Settings
from careerbot.store.collection import forget_cached_clients


def set_aside_local_index(settings: Settings) -> Path | None:
    """Move an unreadable embedded database out of the way (kept for inspection), for a rebuild.

    Returns where it went, or None when there was nothing to move (none on disk, or a server).
    """
    path = settings.chroma_path
    if settings.chroma_host or not path.exists():
        return None
    target = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
    path.rename(target)
    forget_cached_clients()
    return target
