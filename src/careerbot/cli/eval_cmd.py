"""``careerbot eval``: retrieval and answer quality on a gold set, or refusal calibration."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from careerbot.cli.output import load_settings, out
from careerbot.cli.progress import make_bot

if TYPE_CHECKING:
    from careerbot.bot import CareerBot
    from careerbot.evaluation.gold import GoldItem


def eval_command(
    gold: Annotated[
        Path, typer.Argument(help="Gold questions, JSON Lines (default: eval/gold.jsonl).")
    ] = Path("eval/gold.jsonl"),
    cloze: Annotated[
        Path | None,
        typer.Option(
            help="Instead: the inverse-cloze set of this corpus folder (held-out "
            "sentences as questions), in a throwaway index."
        ),
    ] = None,
    calibrate: Annotated[
        bool,
        typer.Option(
            help="Instead: refusal precision/recall for a range of min_relevance "
            "thresholds, and the one recommended."
        ),
    ] = False,
    readers: Annotated[
        Path | None,
        typer.Option(
            help="Instead: the reader sets in this folder (conversations, out-of-scope and "
            "false-premise questions, e.g. eval/), per split, with the worst cases."
        ),
    ] = None,
    split: Annotated[
        str, typer.Option(help="With --readers: dev, test (never tuned on), or all.")
    ] = "test",
    worst: Annotated[int, typer.Option(help="With --readers: failed cases shown.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Measure retrieval and answers on a gold set: recall, MRR, nDCG, refusals, citations."""
    from careerbot.evaluation.gold import load_gold
    from careerbot.evaluation.metrics import evaluate

    if cloze is not None:
        print_cloze(cloze, as_json=as_json)
        return
    if readers is not None:
        print_readers(readers, split, worst=worst, as_json=as_json)
        return
    items = load_gold(gold)
    bot = make_bot(load_settings(), progress=not as_json)
    if calibrate:
        print_calibration(bot, items, as_json=as_json)
        return
    report = evaluate(bot, items)
    if as_json:
        out.print_json(json.dumps({"embed_backend": bot.embedder.backend, **report.to_dict()}))
        return
    table = Table(
        title=f"{gold}: {report.questions} questions, {report.answerable} answerable "
        f"(embeddings: {bot.embedder.backend})",
        title_justify="left",
    )
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in report.to_dict().items():
        if isinstance(value, float):
            table.add_row(key, f"{value:.3f}")
    out.print(table)
    for question in report.misses:
        out.print(f"  not in the top 5: {question}", highlight=False)


def print_cloze(corpus: Path, *, as_json: bool) -> None:
    """Ranking figures on the inverse-cloze set of ``corpus``, in a throwaway index."""
    from careerbot.embedding.embedder import Embedder
    from careerbot.evaluation.cloze import evaluate_cloze

    settings = load_settings()
    embedder = Embedder.from_settings(settings)
    figures = evaluate_cloze(corpus, embedder, settings)
    if as_json:
        out.print_json(json.dumps({"embed_backend": embedder.backend, **figures}))
        return
    out.print(f"embed_backend {embedder.backend}", highlight=False)
    for key, value in figures.items():
        out.print(f"{key:<12} {value:.3f}" if key != "questions" else f"{key:<12} {value:.0f}")


def print_calibration(bot: CareerBot, items: list[GoldItem], *, as_json: bool) -> None:
    """Refusal precision and recall per min_relevance threshold, and the one recommended."""
    from careerbot.evaluation.metrics import recommended_threshold, refusal_curve

    points = refusal_curve(bot, items)
    best = recommended_threshold(points)
    current = bot.settings.min_relevance
    if as_json:
        out.print_json(
            json.dumps(
                {"recommended": best, "current": current, "points": [asdict(p) for p in points]}
            )
        )
        return
    table = Table(title="refusal threshold (min_relevance)", title_justify="left")
    for name in ("threshold", "refusal precision", "refusal recall", "answered"):
        table.add_column(name, justify="right")
    for p in points:
        mark = " ←" if p.threshold == best else ""
        table.add_row(
            f"{p.threshold:.2f}{mark}",
            f"{p.refusal_precision:.3f}",
            f"{p.refusal_recall:.3f}",
            f"{p.answered_rate:.3f}",
        )
    out.print(table)
    out.print(f"recommended: CAREERBOT_MIN_RELEVANCE={best:.2f} (now {current:.2f})")


def print_readers(folder: Path, split: str, *, worst: int, as_json: bool) -> None:
    """Reader-facing figures per split, and the worst cases (see evaluation.readers)."""
    from careerbot.evaluation.reader_sets import load_reader_sets
    from careerbot.evaluation.readers import evaluate_readers

    if split not in ("dev", "test", "all"):
        raise typer.BadParameter("use dev, test or all", param_hint="--split")
    sets = load_reader_sets(folder)
    bot = make_bot(load_settings(), progress=not as_json)
    splits = ["dev", "test"] if split == "all" else [split]
    reports = [evaluate_readers(bot, sets, s) for s in splits]
    if as_json:
        out.print_json(
            json.dumps({"backend": bot.answerer.name, "splits": [r.figures() for r in reports]})
        )
        return
    table = Table(title=f"{folder} (answers: {bot.answerer.name})", title_justify="left")
    table.add_column("metric")
    for r in reports:
        table.add_column(r.split, justify="right")
    for key in reports[0].figures():
        if key != "split":
            table.add_row(key, *(f"{r.figures()[key]}" for r in reports))
    out.print(table)
    for r in reports:
        for case in r.worst(worst):
            out.print(
                f"[{r.split}] {case.kind} {case.id}: {case.question}\n"
                f"    understood: {case.understood}\n    {case.detail}\n"
                f"    answer: {case.answer[:200]!r}",
                highlight=False,
                markup=False,
            )
