"""Cold ingest on two corpora, careerbot against the naive pipeline on the same text, in one run:
``python bench/compare.py [--corpus own,foreign] [--runs 3] [--copies 10] [--limit 72]``.

- ``own``: our five articles copied ``--copies`` times (bench/ingest.py's bulk corpus);
- ``foreign``: the ``--limit`` longest Markdown READMEs of the installed packages
  (bench/foreign.py), real documentation nobody here wrote, with long sections.

Each ingest runs in a child process (bench/ingest_probe.py), careerbot and naive alternating,
so both see the same machine load and each peak RSS (``os.wait4``) is that ingest's alone. Model
load is outside the ingest seconds. Prints per corpus: chunks, seconds (median), chunks/s, the
speed-up on the same text (naive seconds / careerbot seconds), peak RSS, and where careerbot's
time went; the load average is printed with every figure, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # `bench` importable when run as a script
from bench.common import median  # noqa: E402

Row = tuple[str, float | None, float | None]


def loadavg() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def probe(pipeline: str, corpus: Path, work: Path) -> dict[str, Any]:
    """One ingest in a child process: its JSON figures, its peak RSS and the load around it."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH"), str(REPO)) if p)
    before = loadavg()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.ingest_probe", pipeline, str(corpus), str(work)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=err,
        )
        # wait4 rather than Popen.wait, which would reap the child and lose its rusage
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise RuntimeError(
                f"{pipeline} ingest failed ({proc.returncode}): {err.read()[-3000:]}"
            )
        result: dict[str, Any] = json.loads(out.read().strip().splitlines()[-1])
    result["load_before"], result["load_after"] = before, loadavg()
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # kB on Linux
    # CPU seconds of the whole child (model load included) move less with the machine's load
    result["cpu_s"] = usage.ru_utime + usage.ru_stime
    return result


def compare(
    label: str,
    corpus: Path,
    work: Path,
    *,
    runs: int,
    naive: bool,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """``runs`` cold ingests of ``corpus`` by each pipeline, alternating; medians and all runs."""
    got: dict[str, list[dict[str, Any]]] = {"careerbot": [], "naive": []}
    for run in range(runs):
        for pipeline in ("careerbot", "naive") if naive else ("careerbot",):
            log(f"{label}: {pipeline} ingest {run + 1}/{runs} (load {loadavg()})")
            where = work / f"{label}-{pipeline}-{run}"
            got[pipeline].append(probe(pipeline, corpus, where))
            log(f"  {got[pipeline][-1]['seconds']:.1f} s, load {loadavg()}")
    return {"label": label, "careerbot": got["careerbot"], "naive": got["naive"] or None}


def rows(result: dict[str, Any]) -> list[Row]:
    """Table rows of one corpus: careerbot, naive (None when not run)."""
    label, cb, nv = result["label"], result["careerbot"], result["naive"]

    def med(runs: list[dict[str, Any]] | None, key: str) -> float | None:
        return median([float(r[key]) for r in runs]) if runs else None

    cb_s, nv_s = med(cb, "seconds"), med(nv, "seconds")
    cb_chunks, nv_chunks = float(cb[0]["chunks"]), (float(nv[0]["chunks"]) if nv else None)
    return [
        (f"{label}: chunks", cb_chunks, nv_chunks),
        (f"{label}: ingest seconds (median of {len(cb)})", cb_s, nv_s),
        (
            f"{label}: chunks/s",
            cb_chunks / cb_s if cb_s else None,
            nv_chunks / nv_s if nv_chunks and nv_s else None,
        ),
        (
            f"{label}: speed on the same text (1/seconds)",
            1 / cb_s if cb_s else None,
            1 / nv_s if nv_s else None,
        ),
        (f"{label}: peak RSS MB of the ingest", med(cb, "peak_rss_mb"), med(nv, "peak_rss_mb")),
        (f"{label}: CPU seconds, load included (median)", med(cb, "cpu_s"), med(nv, "cpu_s")),
    ]


def split_lines(result: dict[str, Any]) -> list[str]:
    """Where careerbot's time went (median run by seconds), as Markdown table lines."""
    runs = sorted(result["careerbot"], key=lambda r: r["seconds"])
    run = runs[len(runs) // 2]
    total = run["seconds"]
    lines = [
        f"careerbot, {result['label']}: {run['seconds']:.1f} s for {run['chunks']} chunks "
        f"({run['backend']}, torch imported: {run.get('torch_imported')}), {run['tokens']:,} tokens run as {run['padded_tokens']:,} padded "
        f"(load {run['load_before']} before, {run['load_after']} after)",
        "",
        "| part | seconds | share of the ingest |",
        "|---|---|---|",
    ]
    for part, seconds in sorted(run["split"].items(), key=lambda kv: -kv[1]):
        lines.append(f"| {part} | {seconds:.2f} | {100 * seconds / total:.1f}% |")
    return lines


def targets(results: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Issue 20's targets against ``results``: (target, measured, verdict)."""
    out = []
    for result in results:
        by = {name.split(": ", 1)[1]: (cb, nv) for name, cb, nv in rows(result)}
        label = result["label"]
        cb, nv = by["speed on the same text (1/seconds)"]
        if cb and nv:
            out.append(
                (
                    f"{label}: ingest >= 3x naive (same text)",
                    f"{cb / nv:.2f}x",
                    _verdict(cb / nv >= 3),
                )
            )
        rss = by["peak RSS MB of the ingest"][0]
        if rss:
            out.append(
                (f"{label}: ingest peak RSS <= 800 MB", f"{rss:.0f} MB", _verdict(rss <= 800))
            )
        speed = by["chunks/s"][0]
        if label == "foreign" and speed:
            out.append(
                (
                    "foreign: >= 150 chunks/s",
                    f"{speed:.1f} (load {loadavg()})",
                    _verdict(speed >= 150),
                )
            )
    return out


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def bench_step(
    work: Path, *, quick: bool, copies: int, runs: int, log: Callable[[str], None]
) -> tuple[list[dict[str, Any]], list[Row], list[str]]:
    """``python -m bench``'s ``compare`` step: both corpora (``quick``: one copy of ours and two
    short READMEs), careerbot and naive; (results, table rows, split lines)."""
    from bench.foreign import foreign_corpus
    from bench.ingest import bulk_corpus
    from bench.naive_pipeline import available

    own = bulk_corpus(work / "compare-own", copies) if copies > 1 else REPO / "corpus"
    foreign = foreign_corpus(
        work / "compare-foreign", 2 if quick else 72, offset=60 if quick else 0
    )
    results = [
        compare(label, corpus, work, runs=runs, naive=available(), log=log)
        for label, corpus in (("own", own), ("foreign", foreign))
    ]
    lines: list[str] = []
    for result in results:
        lines += ["", *split_lines(result)]
    return results, [row for result in results for row in rows(result)], lines


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", default="own,foreign", help="own, foreign or both.")
    parser.add_argument("--runs", type=int, default=3, help="Cold ingests per pipeline.")
    parser.add_argument("--copies", type=int, default=10, help="Copies of our five articles.")
    parser.add_argument("--limit", type=int, default=72, help="READMEs in the foreign corpus.")
    parser.add_argument(
        "--offset", type=int, default=0, help="Skip this many of the longest READMEs first."
    )
    parser.add_argument("--no-naive", action="store_true", help="careerbot only.")
    parser.add_argument("--json", dest="json_path", default=None, help="Also write JSON here.")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    from bench.common import machine_info
    from bench.foreign import foreign_corpus
    from bench.ingest import bulk_corpus
    from bench.naive_pipeline import available

    args = parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    results = []
    with tempfile.TemporaryDirectory(prefix="careerbot-compare-") as tmp:
        work = Path(tmp)
        for label in [c.strip() for c in args.corpus.split(",") if c.strip()]:
            if label == "own":
                corpus = bulk_corpus(work / "own-corpus", args.copies)
            elif label == "foreign":
                corpus = foreign_corpus(work / "foreign-corpus", args.limit, offset=args.offset)
            else:
                raise SystemExit(f"--corpus takes own and/or foreign, not {label!r}")
            naive = not args.no_naive and available()
            results.append(compare(label, corpus, work, runs=args.runs, naive=naive, log=log))
    from bench.summary import table

    print("machine:")
    for key, value in machine_info().items():
        print(f"  {key}: {value}")
    print(f"  load average at the end: {loadavg()}\n")
    print(table([row for result in results for row in rows(result)]))
    for result in results:
        print()
        print("\n".join(split_lines(result)))
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
