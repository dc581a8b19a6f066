"""Retrieval quality by retrieval mode and embedding backend: the issue-5 eval table.

    python bench/quality.py [--cloze-folder /usr/share/doc/python3.11/html/howto] [--json]

For each backend (torch-equivalent ONNX fp32, ONNX int8) and each mode (dense, BM25, hybrid):
Recall@1/3/5 and MRR@10 on the gold set (eval/gold.jsonl) and on inverse-cloze sets (our
corpus, plus any ``--cloze-folder``). Each corpus is embedded once per backend; the modes share
that index.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.evaluation.cloze import cloze_index, rank_items
from careerbot.evaluation.gold import load_gold
from careerbot.settings import Settings

REPO = Path(__file__).resolve().parent.parent
MODES = ("dense", "bm25", "hybrid")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="onnx,onnx-int8", help="Comma-separated.")
    parser.add_argument(
        "--cloze-folder",
        type=Path,
        action="append",
        default=[],
        help="Another corpus folder for an inverse-cloze set (repeatable).",
    )
    parser.add_argument("--json", action="store_true", help="Print the rows as JSON too.")
    args = parser.parse_args()

    gold = load_gold(REPO / "eval" / "gold.jsonl")
    sets = [
        ("cloze: our corpus", REPO / "corpus"),
        *((f"cloze: {f}", f) for f in args.cloze_folder),
    ]
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            base = Settings(
                data_dir=Path(tmp) / backend, corpus_dir=REPO / "corpus", embed_backend=backend
            )  # type: ignore[arg-type]
            embedder = Embedder.from_settings(base)
            CareerBot(base, embedder=embedder)  # builds the gold index once
            for mode in MODES:
                bot = CareerBot(
                    base.model_copy(update={"retrieval_mode": mode}),
                    embedder=embedder,
                    build_if_missing=False,
                )
                rows.append(
                    {
                        "set": "gold",
                        "backend": embedder.backend,
                        "mode": mode,
                        **rank_items(bot, gold),
                    }
                )
                print(_line(rows[-1]), flush=True)
            for name, folder in sets:
                started = time.perf_counter()
                with cloze_index(folder, embedder, base) as (scratch, items):
                    for mode in MODES:
                        bot = CareerBot(
                            scratch.model_copy(update={"retrieval_mode": mode}),
                            embedder=embedder,
                            build_if_missing=False,
                        )
                        rows.append(
                            {
                                "set": name,
                                "backend": embedder.backend,
                                "mode": mode,
                                "questions": len(items),
                                **rank_items(bot, items),
                            }
                        )
                        print(_line(rows[-1]), flush=True)
                print(f"  ({name}: {time.perf_counter() - started:.0f} s)", flush=True)
    print("\n| set | backend | mode | R@1 | R@3 | R@5 | MRR@10 |\n|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['set']} | {r['backend']} | {r['mode']} | {r['recall_at_1']:.3f} | "
            f"{r['recall_at_3']:.3f} | {r['recall_at_5']:.3f} | {r['mrr_at_10']:.3f} |"
        )
    if args.json:
        print(json.dumps(rows, indent=2))


def _line(r: dict[str, object]) -> str:
    return (
        f"{r['set']:<24} {r['backend']:<10} {r['mode']:<7} R@1 {r['recall_at_1']:.3f} "
        f"R@3 {r['recall_at_3']:.3f} R@5 {r['recall_at_5']:.3f} MRR {r['mrr_at_10']:.3f}"
    )


if __name__ == "__main__":
    main()
