"""The report as one self-contained HTML page: its charts inline as SVG, its style inline, no
script, nothing fetched. Every string from the log (questions, answers, comments, section
titles) is HTML-escaped here, whoever typed it."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from careerbot.feedback.charts import charts
from careerbot.feedback.report import Report

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#222}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
.figures{display:flex;gap:1.5rem;flex-wrap:wrap}.figure b{display:block;font-size:1.5rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;vertical-align:top;
padding:.3rem .5rem;border-bottom:1px solid #eee}svg{max-width:100%;height:auto}
.muted{color:#666}blockquote{margin:.3rem 0;padding-left:.6rem;border-left:3px solid #ccc}
"""
SHOWN_ANSWER_CHARS = 600


def _pct(rate: float | None) -> str:
    return "–" if rate is None else f"{100 * rate:.0f}%"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} ms"


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")


def report_html(report: Report, *, title: str = "careerbot report") -> str:
    """``report`` as a whole HTML page."""
    pictures = charts(report)
    since = "the start of the log" if report.since <= 0 else _when(report.since)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<meta name='robots' content='noindex'>",
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p class='muted'>From {escape(since)} to {escape(_when(report.until))}.</p>",
        _figures(report),
        *(pictures[name] for name in ("questions", "rates", "latency") if name in pictures),
        _gaps(report, pictures.get("gaps", "")),
        _disliked(report),
        _cited(report),
        "</body></html>",
    ]
    return "\n".join(parts)


def _figures(report: Report) -> str:
    figures = [
        ("questions", f"{report.questions:,}"),
        ("refused", _pct(report.refusal_rate)),
        ("thumbs up", f"{_pct(report.satisfaction_rate)} of {report.rated:,} rated"),
        ("latency p50", _ms(report.latency_p50_ms)),
        ("latency p95", _ms(report.latency_p95_ms)),
    ]
    cells = "".join(
        f"<div class='figure'><b>{escape(value)}</b>{escape(name)}</div>" for name, value in figures
    )
    return f"<div class='figures'>{cells}</div>"


def _gaps(report: Report, picture: str) -> str:
    head = (
        "<h2>Content gaps: what readers ask that no article covers</h2>"
        f"<p class='muted'>{report.gap_questions:,} questions were refused or answered with "
        "low similarity, grouped by meaning; the biggest groups first.</p>"
    )
    if not report.gaps:
        return head + "<p>None in this period.</p>"
    rows = "".join(
        f"<tr><td>{g.count:,}</td><td>{g.refused:,}</td><td>"
        + "<br>".join(escape(q) for q in g.examples)
        + f"</td><td>{escape(g.closest_section or '–')}</td></tr>"
        for g in report.gaps
    )
    return (
        head
        + picture
        + "<table><tr><th>Questions</th><th>Refused</th><th>Examples</th>"
        + f"<th>Closest section</th></tr>{rows}</table>"
    )


def _disliked(report: Report) -> str:
    head = f"<h2>Disliked answers ({len(report.disliked):,})</h2>"
    if not report.disliked:
        return head + "<p>None in this period.</p>"
    items = []
    for d in report.disliked:
        answer = (
            d.answer if len(d.answer) <= SHOWN_ANSWER_CHARS else d.answer[:SHOWN_ANSWER_CHARS] + "…"
        )
        comment = f"<blockquote>{escape(d.comment)}</blockquote>" if d.comment else ""
        sections = "; ".join(escape(s) for s in d.sections) or "no citation"
        items.append(
            f"<tr><td><b>{escape(d.question)}</b>{comment}"
            f"<details><summary>Answer</summary>{escape(answer)}</details></td>"
            f"<td>{sections}</td><td class='muted'>{escape(_when(d.rated_at))}<br>"
            f"{escape(d.backend)}</td></tr>"
        )
    return (
        head + "<table><tr><th>Question and comment</th><th>Cited sections</th><th>When</th></tr>"
        f"{''.join(items)}</table>"
    )


def _cited(report: Report) -> str:
    most = "".join(
        f"<tr><td>{s.count:,}</td><td>{escape(s.section)}</td></tr>" for s in report.most_cited
    )
    never = "".join(f"<li>{escape(s)}</li>" for s in report.never_cited)
    return (
        "<h2>Sections most cited</h2>"
        + (f"<table><tr><th>Answers</th><th>Section</th></tr>{most}</table>" if most else "")
        + ("" if most else "<p>No answer cited a section in this period.</p>")
        + f"<h2>Sections never cited ({len(report.never_cited):,} of {report.sections:,})</h2>"
        + (f"<ul>{never}</ul>" if never else "<p>Every stored section was cited.</p>")
    )
