"""The files kept beside a collection in the data dir: the change stamp and the titles.

The stamp (``<collection>.stamp``) holds the collection's generation for embedded Chroma
(:mod:`careerbot.store.generation` owns the concept; a Chroma server's readers read it from
the collection's metadata instead): it is rewritten after every finished ingest that changed
something, and readers in other processes reopen when it changes. The titles file
(``<collection>.titles.json``) lists every stored article's title for one generation, so
listing them does not read every chunk.

Both are written atomically (a temporary file, then a rename).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one rename: a reader sees the old file or the new."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


class Sidecar:
    """The stamp and titles files of one collection."""

    def __init__(self, data_dir: Path, collection: str) -> None:
        self.data_dir = data_dir
        self.collection = collection

    @property
    def stamp_path(self) -> Path:
        """A file rewritten after every finished ingest (embedded Chroma); readers reopen when
        it changes."""
        return self.data_dir / f"{self.collection}.stamp"

    @property
    def titles_path(self) -> Path:
        """The titles of the stored articles, as the last finished ingest listed them."""
        return self.data_dir / f"{self.collection}.titles.json"

    def read_stamp(self) -> str:
        """The current stamp ("" before the first finished ingest)."""
        try:
            return self.stamp_path.read_text()
        except OSError:
            return ""

    def write_stamp(self, generation: str) -> None:
        """Record ``generation`` (:mod:`careerbot.store.generation`) for embedded readers."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(self.stamp_path, f"{generation}\n")

    def write_titles(self, stamp: str, titles: Iterable[str]) -> None:
        """Record ``titles`` as the stored articles' titles at ``stamp``."""
        write_atomically(
            self.titles_path,
            json.dumps({"stamp": stamp, "titles": sorted(set(titles))}, ensure_ascii=False),
        )

    def read_titles(self, stamp: str) -> list[str] | None:
        """The titles recorded for ``stamp``, or None (none recorded, or for another stamp)."""
        try:
            kept = json.loads(self.titles_path.read_text())
            if kept.get("stamp") == stamp:
                return [str(t) for t in kept["titles"]]
        except (OSError, ValueError, KeyError, AttributeError):
            pass
        return None
