"""The reader sets: loading, scoring on the real bot, and `careerbot eval --readers`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from careerbot.bot import CareerBot
from careerbot.cli.app import app
from careerbot.evaluation.gold import EvalFileError
from careerbot.evaluation.reader_sets import load_reader_sets
from careerbot.evaluation.readers import evaluate_readers, mentioned
from tests.conftest import REPO

EVAL = REPO / "eval"


def _subset(tmp_path: Path) -> Path:
    """Two rows of each set, from the dev split only."""
    for name in ("conversations", "out_of_scope", "false_premise"):
        rows = [r for r in (EVAL / f"{name}.jsonl").read_text().splitlines() if '"dev"' in r]
        (tmp_path / f"{name}.jsonl").write_text("\n".join(rows[:2]) + "\n")
    return tmp_path


def test_the_sets_load_with_both_splits() -> None:
    sets = load_reader_sets(EVAL)
    assert len(sets.conversations) >= 40 and len(sets.out_of_scope) >= 40
    assert len(sets.false_premise) >= 10
    for split in ("dev", "test"):
        part = sets.split(split)
        assert part.conversations and part.out_of_scope and part.false_premise
    assert all(len(c.turns) >= 2 for c in sets.conversations)


def test_facts_match_alternatives_without_markers() -> None:
    text = "Data scientists earn **$112,590** [1] at the median."
    assert mentioned(text, [["$112,590", "112,590"], ["median"], ["ceiling"]]) == 2


def test_a_bad_row_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "conversations.jsonl").write_text('{"id": "x", "split": "dev"}\n{oops\n')
    (tmp_path / "out_of_scope.jsonl").write_text("")
    (tmp_path / "false_premise.jsonl").write_text("")
    with pytest.raises(EvalFileError, match="line 2"):
        load_reader_sets(tmp_path)


def test_scoring_on_the_real_bot(shared_bot: CareerBot, tmp_path: Path) -> None:
    report = evaluate_readers(shared_bot, load_reader_sets(_subset(tmp_path)), "dev")
    figures = report.figures()
    assert figures["out_of_scope"] >= 2 and figures["false_premises"] == 2
    for key in (
        "first_turn_hit_at_3",
        "follow_up_hit_at_3",
        "must_mention_first",
        "refusal_recall",
        "refusal_precision",
    ):
        assert 0.0 <= figures[key] <= 1.0
    assert len(report.first_hits) == 2  # one first turn per conversation
    assert all(not c.ok for c in report.worst())


def test_eval_readers_cli_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["eval", "--readers", str(_subset(tmp_path)), "--split", "dev", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["backend"] == "extractive" and data["splits"][0]["split"] == "dev"
    bad = CliRunner().invoke(app, ["eval", "--readers", str(tmp_path), "--split", "nope"])
    assert bad.exit_code != 0 and "dev, test or all" in bad.output
