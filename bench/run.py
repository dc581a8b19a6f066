"""careerbot benchmarks: ``python bench/run.py`` prints medians, p95 and ratios.

Measures, on the real corpus with the real model and an embedded Chroma in a temp dir:
model load, a cold full ingest, a re-ingest of the unchanged corpus, retrieval latency,
extractive ask latency, and the section hit rate of the gold set (eval/gold.jsonl).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.evaluation.gold import load_gold
from careerbot.settings import Settings

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # `bench` importable when run as a script
from bench.common import pct, timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--repeat", type=int, default=3, help="Questions are asked this many times."
    )
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON too.")
    args = parser.parse_args()

    questions = [
        {"question": i.question, "slug": i.slug, "section": i.section}
        for i in load_gold(REPO / "eval" / "gold.jsonl")
        if i.answerable
    ]
    figures: dict[str, object] = {
        "machine": f"{platform.processor() or platform.machine()}, {__import__('os').cpu_count()} cores, "
        f"Python {platform.python_version()}",
    }
    t0 = time.perf_counter()
    embedder = Embedder()
    figures["model_load_s"] = round(time.perf_counter() - t0, 3)

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), corpus_dir=REPO / "corpus")
        bot = CareerBot(settings, embedder=embedder, build_if_missing=False)
        cold = []
        for _ in range(3):
            cold.append(timed(lambda: bot.ingest(rebuild=True)))
        report = bot.last_ingest
        assert report is not None
        figures["chunks"] = report.chunks
        figures["ingest_cold_median_s"] = round(statistics.median(cold), 3)
        figures["ingest_chunks_per_s"] = round(report.chunks / statistics.median(cold), 1)
        warm = [timed(lambda: bot.ingest()) for _ in range(5)]
        figures["reingest_unchanged_median_s"] = round(statistics.median(warm), 3)
        figures["reingest_ratio_cold_over_unchanged"] = round(
            statistics.median(cold) / statistics.median(warm), 1
        )

        retrieve_ms, ask_ms, hits = [], [], 0
        for _ in range(args.repeat):
            for q in questions:
                retrieve_ms.append(1000 * timed(lambda q=q: bot.retrieve(q["question"], k=5)))
                ask_ms.append(1000 * timed(lambda q=q: bot.ask(q["question"])))
        for q in questions:
            got = {(p.slug, p.section) for p in bot.retrieve(q["question"], k=3)}
            hits += (q["slug"], q["section"]) in got
        figures["retrieve_ms_p50"] = round(statistics.median(retrieve_ms), 1)
        figures["retrieve_ms_p95"] = round(pct(retrieve_ms, 0.95), 1)
        figures["ask_ms_p50"] = round(statistics.median(ask_ms), 1)
        figures["ask_ms_p95"] = round(pct(ask_ms, 0.95), 1)
        figures["section_hit_rate_at_3"] = round(hits / len(questions), 3)
        figures["questions"] = len(questions)

    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
