"""Bigger corpora for the ingest fault tests: the real articles copied with distinct slugs,
urls, titles and text, so no two copies share a chunk."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.conftest import CORPUS


def copied_corpus(root: Path, copies: int, marker: str = "(Copy {n}.)") -> Path:
    """``corpus/`` ``copies`` times over in ``root`` (replaced if there), every paragraph
    tagged with ``marker`` (``{n}`` is the copy's number)."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for n in range(copies):
        escaped = marker.format(n=n).replace("\\", r"\\")
        for src in CORPUS.glob("*.md"):
            text = src.read_text()
            text = re.sub(r"^slug: (.+)$", rf"slug: \1-{n}", text, count=1, flags=re.M)
            text = re.sub(r"^url: (.+)$", rf"url: \1-{n}", text, count=1, flags=re.M)
            text = re.sub(r'^(title: ".*)"$', rf'\1 ({n})"', text, count=1, flags=re.M)
            text = re.sub(r"\n\n(?=[A-Z][^\n#-][^\n]+)", f"\n\n{escaped} ", text)
            (root / f"{src.stem}-{n}.md").write_text(text)
    return root
