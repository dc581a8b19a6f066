"""Gold sets: questions with the section that answers them, or none.

JSON Lines, one question per line:

    {"question": "...", "slug": "<article>", "section": "<Section as cited>"}
    {"question": "...", "answerable": false}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from careerbot.errors import CareerbotError


class EvalFileError(CareerbotError):
    """The gold file cannot be read; the message names the line."""


@dataclass(frozen=True)
class GoldItem:
    """One question, and the section that answers it (None: the articles cannot)."""

    question: str
    slug: str | None = None
    section: str | None = None
    line: int = 0

    @property
    def answerable(self) -> bool:
        """Whether the articles answer it."""
        return self.slug is not None


def json_lines(path: Path, what: str = "file") -> list[tuple[int, object]]:
    """``(line number, value)`` for each non-blank, non-``#`` line of a JSON Lines file; raises
    :class:`EvalFileError` naming the file, or the first line that is not JSON."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalFileError(f"Cannot read the {what} {path}: {exc}") from exc
    rows = []
    for n, raw in enumerate(lines, start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            rows.append((n, json.loads(raw)))
        except json.JSONDecodeError as exc:
            raise EvalFileError(f"{path}, line {n}: not valid JSON ({exc.msg})") from exc
    return rows


def load_gold(path: Path) -> list[GoldItem]:
    """Read a gold file; raises :class:`EvalFileError` naming the first bad line."""
    items = []
    for n, row in json_lines(path, "gold file"):
        if not isinstance(row, dict) or not isinstance(row.get("question"), str):
            raise EvalFileError(f'{path}, line {n}: needs an object with a "question" string')
        if row.get("answerable", True) is False:
            items.append(GoldItem(row["question"], line=n))
        elif isinstance(row.get("slug"), str) and isinstance(row.get("section"), str):
            items.append(GoldItem(row["question"], row["slug"], row["section"], line=n))
        else:
            raise EvalFileError(
                f'{path}, line {n}: give "slug" and "section", or "answerable": false'
            )
    if not items:
        raise EvalFileError(f"{path} holds no questions")
    return items
