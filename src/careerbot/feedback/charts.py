"""The report's pictures, drawn with matplotlib as SVG to inline in a page (no files, no
network). Figures are made with matplotlib's object API on an Agg canvas, never pyplot, so
no GUI backend loads and the web app's threads each draw their own figure.

Text stays text in the SVG (``svg.fonttype = none``): matplotlib escapes it as XML, and each
label's ``$`` is escaped first, so a reader's question never turns into mathtext.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from careerbot.feedback.report import Report

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH, HEIGHT = 7.5, 2.6  # inches, at 100 dpi in the page
BLUE, RED, GREEN, GREY = "#3b6ea5", "#c0504d", "#4e9a52", "#888888"
LABEL_CHARS = 60


def charts(report: Report) -> dict[str, str]:
    """Named SVG pictures of ``report``: questions per day (answered and refused), refusal and
    satisfaction rates per day, latency p50/p95 per day, and the biggest content gaps (empty
    dict when the period has no data)."""
    if not report.days:
        return {}
    found = {
        "questions": _draw(lambda ax: _questions(ax, report)),
        "rates": _draw(lambda ax: _rates(ax, report)),
        "latency": _draw(lambda ax: _latency(ax, report)),
    }
    if report.gaps:
        rows = min(len(report.gaps), 10)
        found["gaps"] = _draw(lambda ax: _gaps(ax, report), height=0.9 + 0.32 * rows)
    return found


def _draw(paint: Callable[[Axes], None], height: float = HEIGHT) -> str:
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "careerbot", "font.size": 9}):
        figure = Figure(figsize=(WIDTH, height), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)
        ax = figure.subplots()
        ax.spines[["top", "right"]].set_visible(False)
        paint(ax)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]  # without the XML prolog and doctype: inline in HTML


def _safe(text: str, limit: int = LABEL_CHARS) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("$", r"\$")


def _ticks(ax: Axes, report: Report) -> list[int]:
    xs = list(range(len(report.days)))
    step = max(1, len(xs) // 10)
    ax.set_xticks(xs[::step], [d.day[5:] for d in report.days][::step])
    ax.set_xlim(-0.6, len(xs) - 0.4)  # every day, quiet ones too: the charts line up
    return xs


def _questions(ax: Axes, report: Report) -> None:
    xs = _ticks(ax, report)
    answered = [d.questions - d.refused for d in report.days]
    ax.bar(xs, answered, color=BLUE, label="answered")
    ax.bar(xs, [d.refused for d in report.days], bottom=answered, color=RED, label="refused")
    ax.set_title("Questions per day (UTC)", loc="left")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1, 1))


def _rates(ax: Axes, report: Report) -> None:
    xs = _ticks(ax, report)
    nan = float("nan")
    refusal = [100 * d.refusal_rate if d.refusal_rate is not None else nan for d in report.days]
    happy = [
        100 * d.satisfaction_rate if d.satisfaction_rate is not None else nan for d in report.days
    ]
    ax.plot(xs, refusal, marker="o", color=RED, label="refused %")
    ax.plot(xs, happy, marker="s", color=GREEN, label="thumbs up %")
    ax.set_ylim(-5, 105)
    ax.set_title("Refusal and satisfaction rate per day", loc="left")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1, 1))


def _latency(ax: Axes, report: Report) -> None:
    xs = _ticks(ax, report)
    nan = float("nan")
    p50 = [d.latency_p50_ms if d.latency_p50_ms is not None else nan for d in report.days]
    p95 = [d.latency_p95_ms if d.latency_p95_ms is not None else nan for d in report.days]
    ax.plot(xs, p50, marker="o", color=BLUE, label="p50")
    ax.plot(xs, p95, marker="^", color=GREY, label="p95")
    ax.set_ylim(bottom=0)
    ax.set_ylabel("ms")
    ax.set_title("Answer latency per day", loc="left")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1, 1))


def _gaps(ax: Axes, report: Report) -> None:
    gaps = report.gaps[:10]
    ys = list(range(len(gaps)))[::-1]  # the biggest on top
    ax.barh(ys, [g.count for g in gaps], color=RED)
    ax.set_yticks(ys, [_safe(g.examples[0]) for g in gaps])
    for y, g in zip(ys, gaps, strict=True):
        ax.text(g.count, y, f" {g.count}", va="center")
    ax.set_title("Content gaps: questions per cluster (an example of each)", loc="left")
    ax.set_xlabel("questions refused or answered with low similarity")
