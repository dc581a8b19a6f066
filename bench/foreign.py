"""A foreign corpus for the ingest figures: real documentation nobody here wrote.

The Markdown long descriptions (the PyPI README) of the packages installed beside careerbot,
read with ``importlib.metadata``, each written as an article with front matter into a folder.
They have long sections (install guides, API walk-throughs, code), far nearer the model's
256-token window than our articles' sections, which is where ingest spends its time.
careerbot's own README is left out. The longest ``limit`` READMEs are kept, so the same venv
gives the same corpus.
"""

from __future__ import annotations

import importlib.metadata
import re
from dataclasses import dataclass
from pathlib import Path

MIN_CHARS = 3000
"""Shorter READMEs are mostly badges and a link: they add articles, not sections."""
SKIP = {"careerbot"}
"""Our own text is the other corpus."""


@dataclass(frozen=True)
class Readme:
    """One installed package's Markdown long description."""

    name: str
    version: str
    text: str


def installed_readmes(min_chars: int = MIN_CHARS) -> list[Readme]:
    """The Markdown READMEs of installed packages, longest first, one per package name."""
    found: dict[str, Readme] = {}
    for dist in importlib.metadata.distributions():
        meta = dist.metadata
        name = str(meta["Name"] or "")
        kind = str(meta.get("Description-Content-Type") or "").lower()
        text = str(meta.get_payload() or meta.get("Description") or "")
        key = re.sub(r"[-_.]+", "-", name.lower())
        if not name or key in SKIP or "markdown" not in kind or len(text) < min_chars:
            continue
        if key not in found or len(text) > len(found[key].text):
            found[key] = Readme(name, str(meta["Version"] or ""), text)
    return sorted(found.values(), key=lambda r: (-len(r.text), r.name))


def article_text(readme: Readme) -> str:
    """The README as a careerbot article: front matter, and an H1 when it has none."""
    slug = re.sub(r"[^a-z0-9]+", "-", readme.name.lower()).strip("-")
    title = f"{readme.name} {readme.version}".strip().replace('"', "'")
    body = readme.text.replace("\r\n", "\n")
    if not re.search(r"^# ", body, flags=re.M):
        body = f"# {title}\n\n{body}"
    return (
        "---\n"
        f'title: "{title}"\n'
        f"slug: {slug}\n"
        f"url: https://pypi.org/project/{slug}/\n"
        "updated: 2026-01-01\n"
        "---\n\n"
        f"{body}\n"
    )


def foreign_corpus(root: Path, limit: int = 72, *, offset: int = 0) -> Path:
    """Write the ``limit`` longest installed READMEs (after skipping the ``offset`` longest)
    into ``root`` as articles; returns it.

    Raises ``RuntimeError`` when the venv holds none (nothing to measure)."""
    readmes = installed_readmes()[offset : offset + limit]
    if not readmes:
        raise RuntimeError("no installed package has a Markdown README of 3,000+ characters")
    root.mkdir(parents=True, exist_ok=True)
    for readme in readmes:
        text = article_text(readme)
        slug = re.search(r"^slug: (.+)$", text, flags=re.M)
        assert slug is not None
        (root / f"{slug.group(1)}.md").write_text(text)
    return root
