"""The report for a terminal: rich tables, every logged string as plain text (never markup)."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from careerbot.feedback.report import Report

SHOWN = 15  # rows of each long list shown (--json has them all)


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{100 * rate:.0f}%"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M")


def report_renderable(report: Report) -> RenderableType:
    """``report`` as tables: totals, days, content gaps, disliked answers, citations."""
    since = "the start of the log" if report.since <= 0 else _when(report.since) + " UTC"
    head = Text.assemble(
        ("careerbot report", "bold"),
        f"  from {since} to {_when(report.until)} UTC\n",
        f"{report.questions:,} questions, {_pct(report.refusal_rate)} refused, "
        f"{_pct(report.satisfaction_rate)} thumbs up of {report.rated:,} rated, "
        f"latency p50 {_ms(report.latency_p50_ms)} ms, p95 {_ms(report.latency_p95_ms)} ms",
    )
    return Group(head, _days(report), _gaps(report), _disliked(report), *_cited(report))


def _days(report: Report) -> Table:
    table = Table(title="Per day (UTC)", title_justify="left")
    for name in ("day", "questions", "refused", "rated", "thumbs up", "p50 ms", "p95 ms"):
        table.add_column(name, justify="left" if name == "day" else "right")
    for d in report.days:
        table.add_row(
            d.day,
            str(d.questions),
            _pct(d.refusal_rate),
            str(d.rated),
            _pct(d.satisfaction_rate),
            _ms(d.latency_p50_ms),
            _ms(d.latency_p95_ms),
        )
    return table


def _gaps(report: Report) -> Table:
    table = Table(
        title=f"Content gaps: {report.gap_questions:,} questions refused or answered with low "
        "similarity, by meaning",
        title_justify="left",
    )
    table.add_column("asked", justify="right")
    table.add_column("refused", justify="right")
    table.add_column("examples")
    table.add_column("closest section")
    for g in report.gaps[:SHOWN]:
        table.add_row(
            str(g.count),
            str(g.refused),
            Text("\n".join(g.examples[:3])),
            Text(g.closest_section or "-"),
        )
    if len(report.gaps) > SHOWN:
        table.caption = f"{len(report.gaps) - SHOWN} smaller clusters not shown (see --json)"
    return table


def _disliked(report: Report) -> Table:
    table = Table(title=f"Disliked answers ({len(report.disliked)})", title_justify="left")
    table.add_column("question")
    table.add_column("comment")
    table.add_column("cited sections")
    for d in report.disliked[:SHOWN]:
        table.add_row(Text(d.question), Text(d.comment or "-"), Text("\n".join(d.sections) or "-"))
    return table


def _cited(report: Report) -> list[RenderableType]:
    most = Table(title="Sections most cited", title_justify="left")
    most.add_column("answers", justify="right")
    most.add_column("section")
    for s in report.most_cited[:SHOWN]:
        most.add_row(str(s.count), Text(s.section))
    never = Text(
        f"Sections never cited: {len(report.never_cited)} of {report.sections}\n",
        style="bold",
    )
    for section in report.never_cited[:SHOWN]:
        never.append(f"  {section}\n", style="")
    if len(report.never_cited) > SHOWN:
        never.append(f"  … and {len(report.never_cited) - SHOWN} more (see --json)\n")
    return [most, never]
