from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from careerbot.bot import CareerBot
from careerbot.cli.app import app
from careerbot.evaluation.gold import EvalFileError, load_gold
from careerbot.evaluation.metrics import evaluate, ranking_metrics
from careerbot.settings import Settings
from tests.conftest import GOLD

# Floors set from the measured figures (README): a drop below any of them fails CI.
FLOORS = {
    "recall_at_3": 0.90,
    "recall_at_5": 0.95,
    "mrr_at_10": 0.75,
    "refusal_precision": 0.95,
    "refusal_recall": 0.65,
    "answered_rate": 0.97,
    "citation_validity": 1.0,
}


def test_the_gold_set_is_big_enough() -> None:
    items = load_gold(GOLD)
    answerable = [i for i in items if i.answerable]
    assert len(answerable) >= 60 and len(items) - len(answerable) >= 15
    assert len({(i.slug, i.section) for i in answerable}) == 37  # every section asked about


def test_quality_stays_above_the_floors(shared_bot: CareerBot) -> None:
    report = evaluate(shared_bot, load_gold(GOLD)).to_dict()
    print(json.dumps({k: v for k, v in report.items() if k != "misses"}))
    for metric, floor in FLOORS.items():
        assert report[metric] >= floor, f"{metric} {report[metric]} fell below {floor}"
    # The extractive answerer quotes verbatim, so the citation checker must pass every sentence.
    assert report["flagged_share"] == 0.0


def test_ranking_metrics_by_hand() -> None:
    got = ranking_metrics([1, 2, None, 6])
    assert got["recall_at_1"] == 0.25 and got["recall_at_3"] == 0.5 and got["recall_at_5"] == 0.5
    assert got["mrr_at_10"] == pytest.approx((1 + 1 / 2 + 1 / 6) / 4)
    assert got["ndcg_at_10"] == pytest.approx((1 + 1 / math.log2(3) + 1 / math.log2(7)) / 4)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"question": "Pay?", "slug": "a"', "line 2: not valid JSON"),
        ('{"slug": "a", "section": "b"}', 'line 2: needs an object with a "question" string'),
        ('{"question": "Pay?", "slug": "a"}', 'line 2: give "slug" and "section"'),
    ],
)
def test_a_malformed_line_is_named(tmp_path: Path, line: str, message: str) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"question": "Fine?", "answerable": false}\n' + line + "\n")
    with pytest.raises(EvalFileError, match=message):
        load_gold(gold)
    result = CliRunner().invoke(app, ["eval", str(gold)])
    assert result.exit_code == 1 and message.split(": ")[0] in result.stderr


def test_eval_cli_json(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        '{"question": "Which cloud should my first certification be on?", '
        '"slug": "cloud-certifications-worth-it-2026", '
        '"section": "Choosing between AWS, Microsoft Azure and Google Cloud"}\n'
        '{"question": "How long do I boil an egg?", "answerable": false}\n'
    )
    result = CliRunner().invoke(app, ["eval", "--json", str(gold)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["questions"] == 2 and report["recall_at_5"] == 1.0
    assert report["refusal_recall"] == 1.0


def test_inverse_cloze_is_deterministic_and_holds_the_sentence_out() -> None:
    from careerbot.evaluation.cloze import cloze_set
    from careerbot.sources import load_corpus
    from tests.conftest import CORPUS

    corpus = load_corpus(CORPUS, navigation_headings=("Sources", "Continue your decision path"))
    held_out, items = cloze_set(corpus)
    assert len(items) >= 30 and items == cloze_set(corpus)[1]
    texts = {(a.slug, s.name): s.text for a in held_out.articles for s in a.sections}
    for item in items:
        assert item.question not in texts[(item.slug, item.section)]


def test_eval_cloze_cli() -> None:
    from tests.conftest import CORPUS

    result = CliRunner().invoke(app, ["eval", "--json", "--cloze", str(CORPUS)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["questions"] >= 30
    assert figures["recall_at_5"] >= 0.40  # measured 0.444 (dense) on our five articles


def test_the_configured_threshold_answers_every_gold_question(shared_bot: CareerBot) -> None:
    """Similarity is one refusal signal among several (answerability.py); its floor, tuned on
    the dev split of eval/, must still be no stricter than what the gold set allows."""
    from careerbot.evaluation.metrics import recommended_threshold, refusal_curve

    points = refusal_curve(shared_bot, load_gold(GOLD))
    assert [p.threshold for p in points] == sorted(p.threshold for p in points)
    recalls = [p.refusal_recall for p in points]
    assert recalls == sorted(recalls)  # a stricter threshold never refuses less
    assert shared_bot.settings.min_relevance <= recommended_threshold(points) + 1e-9


def test_eval_calibrate_cli_json() -> None:
    result = CliRunner().invoke(app, ["eval", "--calibrate", "--json", str(GOLD)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["current"] == Settings().min_relevance and {"threshold", "refusal_recall"} <= set(
        data["points"][0]
    )
