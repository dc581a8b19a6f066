"""``python -m bench``: careerbot against the naive LangChain pipeline, medians, p95 and ratios.

Figures: model load; cold ingest throughput on the same text, and (step ``compare``, each
ingest in a child process) on our articles and on installed packages' READMEs with peak RSS
and where careerbot's time goes (bench/compare.py); retrieval latency (query
embedding included) at 1k, 10k and 100k chunks (our corpus plus Python-docs distractors, the
same vectors in both stores); extractive ask latency; app cold start and RSS. Before each step
the free memory and disk are checked against an estimate, and a step that does not fit is
skipped with a message. The naive columns need the ``bench`` extra; without it they show "-".
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import coldstart, compare, naive_pipeline
from bench.common import GB, Budget, machine_info, parse_size, timed
from bench.distractors import DOCS, backend_of
from bench.sizes import run_sizes
from bench.summary import Row, table, targets
from bench.throughput import run_throughput
from careerbot.bot import CareerBot
from careerbot.embedding.embedder import BF16_MIN_TEXTS
from careerbot.evaluation.gold import load_gold
from careerbot.settings import Settings

REPO = Path(__file__).resolve().parent.parent
STEPS = ("ingest", "compare", "sizes", "coldstart")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sizes",
        default=None,
        help="Index sizes for the latency figures, e.g. 1k,10k,100k (the default; "
        "--quick: 1k). Each must hold at least our corpus.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="A small run: 1k only, one ingest of the five articles, each "
        "question once, 20 questions.",
    )
    parser.add_argument(
        "--copies",
        type=int,
        default=None,
        help="Copies of the five articles in the ingest figure (default 10; --quick 1).",
    )
    parser.add_argument(
        "--runs", type=int, default=None, help="Cold ingests per pipeline (default 3; --quick 1)."
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="Times each question is asked (default 3; --quick 1).",
    )
    parser.add_argument(
        "--skip", default="", help=f"Steps to leave out, comma-separated: {', '.join(STEPS)}."
    )
    parser.add_argument(
        "--budget-gb",
        type=float,
        default=None,
        help="Pretend at most this many GB of memory and of disk are free (also "
        "CAREERBOT_BENCH_BUDGET_GB): steps that need more are skipped.",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        help="Where the stores are built (default: a temp dir, removed after).",
    )
    parser.add_argument(
        "--json",
        dest="json_path",
        default=None,
        help="Also write every figure as JSON to this file ('-': stdout).",
    )
    args = parser.parse_args(argv)
    try:
        args.sizes = [
            parse_size(s)
            for s in (args.sizes or ("1k" if args.quick else "1k,10k,100k")).split(",")
        ]
    except ValueError as exc:
        parser.error(str(exc))
    args.copies = args.copies if args.copies is not None else (1 if args.quick else 10)
    args.runs = args.runs or (1 if args.quick else 3)
    args.repeat = args.repeat or (1 if args.quick else 3)
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if args.skip - set(STEPS):
        parser.error(
            f"--skip takes {', '.join(STEPS)}; not {', '.join(sorted(args.skip - set(STEPS)))}"
        )
    budget = (
        args.budget_gb
        if args.budget_gb is not None
        else os.environ.get("CAREERBOT_BENCH_BUDGET_GB")
    )
    args.budget = Budget(int(float(budget) * GB) if budget not in (None, "") else None)
    return args


def load_naive(skipped: list[str]) -> tuple[Any, float | None]:
    """The naive pipeline's embeddings and their load time, or a note in ``skipped``."""
    if not naive_pipeline.available():
        skipped.append(naive_pipeline.MISSING)
        log(naive_pipeline.MISSING)
        return None, None
    start = time.perf_counter()
    embeddings = naive_pipeline.load_embeddings()
    return embeddings, time.perf_counter() - start


def run_compare(
    args: argparse.Namespace, work: Path, result: dict[str, Any]
) -> list[dict[str, Any]]:
    """The ``compare`` step (both corpora, each ingest in a child process) into ``result``."""
    if "compare" in args.skip:
        return []
    compared, more, result["split"] = compare.bench_step(
        work, quick=args.quick, copies=args.copies, runs=args.runs, log=log
    )
    result["rows"] += more
    return compared


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    corpus = REPO / "corpus"
    gold = [g.question for g in load_gold(REPO / "eval" / "gold.jsonl")]
    questions = gold[:20] if args.quick else gold
    result: dict[str, Any] = {"machine": machine_info(), "skipped": [], "rows": []}
    rows: list[Row] = result["rows"]
    skipped: list[str] = result["skipped"]

    base = args.budget.check("everything", work, memory=int(1.5 * GB), disk=int(0.3 * GB))
    if base:
        skipped.append(base)
        log(base)
        return result
    settings = Settings(data_dir=work / "careerbot", corpus_dir=corpus)
    bot: CareerBot | None = None

    def make_bot() -> None:  # the embedder exactly as CareerBot builds it from the settings
        nonlocal bot
        bot = CareerBot(settings, build_if_missing=False)
        bot.embedder.for_documents(BF16_MIN_TEXTS)  # and the bfloat16 twin a big ingest loads

    import sentence_transformers  # noqa: F401  (imported before either load is timed)

    load = timed(make_bot)
    assert bot is not None
    embedder = bot.embedder
    result["machine"]["embedder"] = (
        f"{embedder.name}, backend {backend_of(embedder)} "
        f"(CAREERBOT_EMBED_BACKEND={os.environ.get('CAREERBOT_EMBED_BACKEND', 'unset')})"
    )
    naive_emb, naive_load = load_naive(skipped)
    rows.append(("model load s (imports done before)", load, naive_load))

    if "ingest" not in args.skip:
        need = args.budget.check(
            f"ingest of {args.copies} copies",
            work,
            memory=int(1.5 * GB),
            disk=int(0.2 * GB) + 20_000_000 * args.copies,
        )
        if need:
            skipped.append(need)
            log(need)
        else:
            rows += run_throughput(
                corpus,
                embedder,
                naive_emb,
                work / "ingest",
                copies=args.copies,
                runs=args.runs,
                log=log,
            )

    compared = run_compare(args, work, result)

    sizes_done: list[int] = []
    if "sizes" not in args.skip:
        if not DOCS.is_dir():
            skipped.append(
                f"skipped sizes: no distractor text at {DOCS} (apt-get install python3-doc)"
            )
        else:
            log("sizes: ingesting the corpus")
            bot.ingest()
            for res in run_sizes(
                settings,
                bot,
                naive_emb,
                args.sizes,
                questions,
                repeat=args.repeat,
                budget=args.budget,
                work=work,
                log=log,
            ):
                if res.skipped:
                    skipped.append(res.skipped)
                else:
                    sizes_done.append(res.size)
                    rows += res.rows
    result["sizes_measured"] = sizes_done

    if "coldstart" not in args.skip:
        need = args.budget.check("cold start", work, memory=int(2.5 * GB), disk=int(0.2 * GB))
        if need:
            skipped.append(need)
            log(need)
        else:
            log("cold start: building the app's index of our corpus")
            app_data = work / "app"
            CareerBot(
                Settings(data_dir=app_data, corpus_dir=corpus), embedder=embedder
            ).store.count()
            cold_q = questions[:5]
            cb = coldstart.careerbot_start(app_data, corpus, cold_q, work / "serve.log")
            nv = None
            if naive_emb is not None:
                store, _ = naive_pipeline.ingest(corpus, naive_emb, work / "naive-app")
                del store
                nv = coldstart.naive_start(work / "naive-app", cold_q)
            rows += coldstart.rows(cb, nv, len(cold_q))
    result["targets"] = targets(rows, sizes_done) + compare.targets(compared)
    return result


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="careerbot-bench-") as tmp:
        work = args.work_dir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        result = run(args, work)
    print("\nmachine:")
    for key, value in result["machine"].items():
        print(f"  {key}: {value}")
    for line in result["skipped"]:
        print(line)
    if result["rows"]:
        print()
        print(table(result["rows"]))
    for line in result.get("split", []):
        print(line)
    if result.get("targets"):
        print("\n| target | measured | |\n|---|---|---|")
        for target, measured, verdict in result["targets"]:
            print(f"| {target} | {measured} | {verdict} |")
    if args.json_path:
        text = json.dumps(result, indent=2)
        if args.json_path == "-":
            print(text)
        else:
            Path(args.json_path).write_text(text + "\n")
