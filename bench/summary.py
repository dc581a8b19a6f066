"""The bench's summary: figures as a careerbot/naive table with ratios, and the targets
against what was measured."""

from __future__ import annotations

Row = tuple[str, float | None, float | None]
"""(figure, careerbot, naive); None where not measured."""


def fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return (
        f"{value:,.0f}"
        if abs(value) >= 1000
        else f"{value:.3g}"
        if abs(value) < 100
        else f"{value:.1f}"
    )


def table(rows: list[Row]) -> str:
    width = max([len(r[0]) for r in rows] + [6])
    lines = [
        f"| {'figure':<{width}} | {'careerbot':>10} | {'naive':>10} | {'cb/naive':>8} |",
        f"|{'-' * (width + 2)}|{'-' * 12}|{'-' * 12}|{'-' * 10}|",
    ]
    for name, cb, nv in rows:
        ratio = f"{cb / nv:.2f}" if cb is not None and nv else "-"
        lines.append(f"| {name:<{width}} | {fmt(cb):>10} | {fmt(nv):>10} | {ratio:>8} |")
    return "\n".join(lines)


def targets(rows: list[Row], sizes_done: list[int]) -> list[tuple[str, str, str]]:
    """The issue's targets against what was measured: (target, measured, verdict)."""
    by = {name: (cb, nv) for name, cb, nv in rows}
    out: list[tuple[str, str, str]] = []

    def add(target: str, value: float | None, ok: bool | None, shown: str) -> None:
        out.append(
            (
                target,
                shown if value is not None else "not measured",
                "-" if ok is None or value is None else "met" if ok else "NOT met",
            )
        )

    speed = next(
        (
            (cb, nv)
            for n, (cb, nv) in by.items()
            if n.endswith("chunks/s") and n.startswith("ingest")
        ),
        (None, None),
    )
    same = next(((cb, nv) for n, (cb, nv) in by.items() if n.endswith("(same text)")), (None, None))
    add("ingest >= 100 chunks/s", speed[0], speed[0] is not None and speed[0] >= 100, fmt(speed[0]))
    ratio = same[0] / same[1] if same[0] and same[1] else None
    add("ingest >= 3x naive (same text)", ratio, ratio is not None and ratio >= 3, f"{fmt(ratio)}x")
    if sizes_done:
        from bench.common import size_label

        label = size_label(max(sizes_done))
        p95 = by.get(f"{label}: retrieve k=5 p95 ms", (None, None))[0]
        add(
            f"retrieval p95 <= 15 ms at 100k (measured at {label})",
            p95,
            p95 is not None and p95 <= 15 and max(sizes_done) >= 100_000,
            f"{fmt(p95)} ms",
        )
        ask = by.get(f"{label}: extractive ask p95 ms", (None, None))[0]
        add(
            f"extractive ask p95 <= 100 ms (at {label})",
            ask,
            ask is not None and ask <= 100,
            f"{fmt(ask)} ms",
        )
    ready = by.get("app ready s (careerbot: /api/health 200)", (None, None))[0]
    add("app ready <= 5 s", ready, ready is not None and ready <= 5, f"{fmt(ready)} s")
    peak = by.get("peak RSS MB (VmHWM)", (None, None))[0]
    add(
        "RSS <= 1 GB on our corpus (peak)",
        peak,
        peak is not None and peak <= 1000,
        f"{fmt(peak)} MB",
    )
    return out
