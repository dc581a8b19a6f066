"""Error messages as readers over the web see them: the same words as the CLI's, without the
server's absolute paths (they tell an outsider where the data lives and help no reader)."""

from __future__ import annotations

from pathlib import Path


def public_message(exc: BaseException, data_dir: Path) -> str:
    """``exc``'s message with the data folder's absolute path (as given and resolved) shown
    as its name, e.g. ``/srv/careerbot/data/chroma`` → ``data/chroma``."""
    text = str(exc)
    for where in sorted({str(data_dir), str(data_dir.resolve())}, key=len, reverse=True):
        if where and where not in (".", "/"):
            text = text.replace(where, data_dir.name or "data")
    return text
