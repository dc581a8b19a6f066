"""Ingest benchmarks: ``python bench/ingest.py [--copies 80]`` prints medians, p95 and ratios.

On a corpus of the five articles copied ``--copies`` times (distinct slugs and text, so nothing is
shared), with the real model and an embedded Chroma in a temp dir:

- throughput of a cold ingest (chunks/s, everything embedded);
- re-ingest of the unchanged corpus (nothing embedded);
- one changed section (time, and embeddings computed: should be 1).
"""

from __future__ import annotations

import argparse
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.settings import Settings

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # `bench` importable when run as a script
from bench.common import pct  # noqa: E402


def bulk_corpus(root: Path, copies: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for n in range(copies):
        for src in (REPO / "corpus").glob("*.md"):
            text = src.read_text()
            text = re.sub(r"^slug: (.+)$", rf"slug: \1-{n}", text, count=1, flags=re.M)
            text = re.sub(r"^url: (.+)$", rf"url: \1-{n}", text, count=1, flags=re.M)
            text = re.sub(r"\n\n([A-Z][^\n#-][^\n]+)", rf"\n\n(Copy {n}.) \1", text)
            (root / f"{src.stem}-{n}.md").write_text(text)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--copies", type=int, default=80, help="Copies of the corpus (37 chunks each)."
    )
    parser.add_argument("--repeat", type=int, default=5, help="Runs of the quick measurements.")
    args = parser.parse_args()

    free = shutil.disk_usage(tempfile.gettempdir()).free
    if free < 2_000_000_000:
        print(f"skipped: only {free / 1e9:.1f} GB free in {tempfile.gettempdir()}, need 2 GB")
        return
    embedder = Embedder()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = bulk_corpus(Path(tmp) / "corpus", args.copies)
        bot = CareerBot(
            Settings(data_dir=Path(tmp) / "data", corpus_dir=corpus),
            embedder=embedder,
            build_if_missing=False,
        )
        t0 = time.perf_counter()
        cold = bot.ingest()
        cold_s = time.perf_counter() - t0

        unchanged = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            report = bot.ingest()
            unchanged.append(time.perf_counter() - t0)
            assert report.embedded == 0

        one_section, embedded = [], []
        target = corpus / "ml-engineer-vs-data-scientist-2026-0.md"
        for i in range(args.repeat):
            text = target.read_text()
            target.write_text(
                text.replace("Both pay well", f"Both pay well ({i})", 1)
                if i == 0
                else text.replace(f"({i - 1})", f"({i})", 1)
            )
            t0 = time.perf_counter()
            report = bot.ingest()
            one_section.append(time.perf_counter() - t0)
            embedded.append(report.embedded)

    print(
        f"machine: {platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"corpus: {cold.articles} articles, {cold.chunks} chunks")
    print(
        f"cold ingest: {cold_s:.1f} s, {cold.chunks / cold_s:.1f} chunks/s, {cold.embedded} embedded"
    )
    print(
        f"re-ingest unchanged: median {statistics.median(unchanged):.2f} s, p95 {pct(unchanged, 0.95):.2f} s, "
        f"0 embedded; cold/unchanged = {cold_s / statistics.median(unchanged):.0f}x"
    )
    print(
        f"one changed section: median {statistics.median(one_section):.2f} s, p95 {pct(one_section, 0.95):.2f} s, "
        f"embedded per run {sorted(set(embedded))}; cold/one-section = "
        f"{cold_s / statistics.median(one_section):.0f}x"
    )


if __name__ == "__main__":
    main()
