"""Answer quality as readers meet it: conversations, out-of-scope and false-premise questions.

The sets live in ``eval/`` as JSON Lines, each row with a ``split`` (``dev`` to tune on,
``test`` never tuned on):

- ``conversations.jsonl``: ``{"id", "split", "turns": [{"user", "refuse", "expect":
  [{"slug", "section"}], "must_mention": [["alt", ...], ...]}]}``. Turns are asked in order with
  the bot's own answers as history, as a reader would see them.
- ``out_of_scope.jsonl``: ``{"id", "split", "kind", "question", "missing"}``: to be refused.
- ``false_premise.jsonl``: ``{"id", "split", "question", "premise", "expect", "correction"}``:
  to be answered with the correction.

A fact (``must_mention``, ``correction``) is a list of alternatives; it is mentioned when one of
them occurs in the answer text (case-insensitive, markers and emphasis removed, white space
collapsed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from careerbot.evaluation.gold import EvalFileError, json_lines


@dataclass(frozen=True)
class Turn:
    """One reader turn and what a good answer to it needs."""

    user: str
    refuse: bool
    expect: tuple[tuple[str, str], ...]
    must_mention: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Conversation:
    """A reader's conversation of two or more turns."""

    id: str
    split: str
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class ReaderSets:
    """The three sets, read from one folder."""

    conversations: tuple[Conversation, ...]
    out_of_scope: tuple[dict[str, Any], ...]
    false_premise: tuple[dict[str, Any], ...]

    def split(self, name: str) -> ReaderSets:
        """Only the rows of one split (``dev``, ``test``); ``all`` keeps everything."""
        if name == "all":
            return self
        return ReaderSets(
            tuple(c for c in self.conversations if c.split == name),
            tuple(r for r in self.out_of_scope if r["split"] == name),
            tuple(r for r in self.false_premise if r["split"] == name),
        )


def _rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    for n, row in json_lines(path):
        if not isinstance(row, dict) or row.get("split") not in ("dev", "test"):
            raise EvalFileError(f'{path}, line {n}: needs an object with "split": dev|test')
        rows.append(row)
    return rows


def _expect(rows: Iterable[dict[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((r["slug"], r["section"]) for r in rows)


def facts_of(rows: Iterable[Iterable[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(alts) for alts in rows)


def load_reader_sets(folder: Path) -> ReaderSets:
    """Read ``conversations.jsonl``, ``out_of_scope.jsonl`` and ``false_premise.jsonl``."""
    try:
        conversations = tuple(
            Conversation(
                id=row["id"],
                split=row["split"],
                turns=tuple(
                    Turn(
                        user=t["user"],
                        refuse=bool(t.get("refuse", False)),
                        expect=_expect(t.get("expect", [])),
                        must_mention=facts_of(t.get("must_mention", [])),
                    )
                    for t in row["turns"]
                ),
            )
            for row in _rows(folder / "conversations.jsonl")
        )
    except (KeyError, TypeError) as exc:
        raise EvalFileError(f"{folder / 'conversations.jsonl'}: a row lacks {exc}") from exc
    return ReaderSets(
        conversations,
        tuple(_rows(folder / "out_of_scope.jsonl")),
        tuple(_rows(folder / "false_premise.jsonl")),
    )
