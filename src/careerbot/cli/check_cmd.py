"""``careerbot ingest --check``: run the gate and print what it found (the ingest command calls
this before it publishes; see :mod:`careerbot.evaluation.gate`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

from careerbot.cli.output import fail, out
from careerbot.cli.progress import step_progress

if TYPE_CHECKING:
    from careerbot.bot import CareerBot
    from careerbot.evaluation.gate import GateReport

EXIT_BLOCKED = 4
"""Exit code of an ingest the check refused to publish (nothing was written)."""


def run_check(
    bot: CareerBot,
    path: Path | None,
    *,
    urls: Sequence[str],
    sitemaps: Sequence[str],
    gold: Path,
    max_drop: float | None,
    quiet: bool,
) -> GateReport:
    """Check the new content against ``bot``'s live index with the gold questions in ``gold``
    and the logged ones; prints the result unless ``quiet`` (``--json``)."""
    from careerbot.evaluation.gate import check_ingest
    from careerbot.evaluation.gold import load_gold
    from careerbot.evaluation.logged import logged_questions

    if not gold.is_file():
        raise fail(
            f"No gold questions at {gold}: --check measures quality on them. Pass --gold FILE "
            "(JSON Lines, as eval/gold.jsonl in a careerbot checkout)."
        )
    items = load_gold(gold)
    logged = logged_questions(bot.settings, bot.store.name, exclude=[i.question for i in items])
    with step_progress(not quiet) as progress:
        report = check_ingest(
            bot,
            items,
            path=path,
            urls=urls,
            sitemaps=sitemaps,
            logged=logged,
            max_drop=max_drop,
            progress=progress,
        )
    if not quiet:
        print_check(report, days=bot.settings.check_log_days)
    return report


def print_check(report: GateReport, *, days: float) -> None:
    """What the new content changes, the answers that changed, and the metrics before → after."""
    out.print(
        f"Checked the new content against the live index (generation {report.generation}): "
        f"{report.gold_questions} gold questions, {report.logged_questions} asked by readers "
        f"in the last {days:g} days. {report.seconds:.1f} s.",
        highlight=False,
    )
    changes = report.ingest.changes
    n = len(changes)
    out.print(f"The new content changes {n} section{'s' * (n != 1)}:" if n else "No changes.")
    for section in changes:
        out.print(f"  {section}", highlight=False, markup=False)
    if report.changed:
        out.print(f"Answers that changed ({len(report.changed)}):")
    for c in report.changed:
        out.print(
            f"  [{c.source}] {c.question}\n      before: {c.before}\n      after:  {c.after}",
            highlight=False,
            markup=False,
        )
    table = Table(title=f"Gold metrics (max drop {report.max_drop:.3f})", title_justify="left")
    for column in ("metric", "before", "after", "change", ""):
        table.add_column(column, justify="left" if column == "metric" else "right")
    blocked = {m.name for m in report.dropped}
    for m in report.metrics:
        mark = "[red]dropped[/]" if m.name in blocked else "ok"
        change = f"{m.after - m.before + 0.0:+.3f}"
        table.add_row(
            f"{m.name} ({m.questions})", f"{m.before:.3f}", f"{m.after:.3f}", change, mark
        )
    out.print(table)
