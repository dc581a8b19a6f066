"""HNSW recall against exact search, and query latency, for a few Chroma settings.

``python -m bench.hnsw [--size 100k] [--ef-search 10,20,40,60,100,150] [--graphs 16:100,32:200]``

The index holds our corpus plus Python-docs distractor chunks (real embeddings of our model,
cached by bench/distractors.py), built through careerbot's ``ChunkStore`` with each graph
setting (max_neighbors:ef_construction). Queries: the gold questions (eval/gold.jsonl) and 200
held-out distractor paragraphs. For each ef_search (applied to the built index by reopening it
with the new setting, as careerbot does), recall@10 is the share of the exact top 10 (numpy
dot products over the same vectors) that Chroma returns, and latency is a vector-only query for
15 results (what ``retrieve(k=5)`` asks of the store).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import median, parse_size, pct, size_label
from bench.distractors import cached_vectors, distractors
from bench.sizes import distractor_metadata
from careerbot.bot import CareerBot
from careerbot.evaluation.gold import load_gold
from careerbot.settings import Settings
from careerbot.store.chroma import ChunkStore
from careerbot.store.collection import forget_cached_clients

REPO = Path(__file__).resolve().parent.parent
HELD_OUT = 200


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.hnsw",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--size", default="100k", help="Chunks in the index (default 100k).")
    parser.add_argument("--ef-search", default="10,20,40,60,100,150", help="ef_search values.")
    parser.add_argument(
        "--graphs", default="16:100,32:200", help="max_neighbors:ef_construction pairs to build."
    )
    parser.add_argument("--repeat", type=int, default=3, help="Times each query is timed.")
    args = parser.parse_args(argv)
    size = parse_size(args.size)
    efs = [int(x) for x in args.ef_search.split(",")]
    graphs = [tuple(int(v) for v in g.split(":")) for g in args.graphs.split(",")]

    with tempfile.TemporaryDirectory(prefix="careerbot-hnsw-") as tmp:
        base_settings = Settings(data_dir=Path(tmp) / "corpus", corpus_dir=REPO / "corpus")
        bot = CareerBot(base_settings)  # builds the corpus index, embedder as configured
        embedder = bot.embedder
        got = bot.store.collection().get(include=["documents", "metadatas", "embeddings"])
        n_corpus = len(got["ids"])
        chunks = distractors(size - n_corpus + HELD_OUT)
        vectors = cached_vectors(chunks, embedder, log=log)
        base_chunks, held = chunks[: size - n_corpus], vectors[size - n_corpus :]
        base = np.vstack(
            [np.asarray(got["embeddings"], dtype=np.float32), vectors[: size - n_corpus]]
        )
        ids = list(got["ids"]) + [f"pydoc-{i}" for i in range(len(base_chunks))]
        texts = list(got["documents"]) + [c.embed_text for c in base_chunks]
        metas = [dict(m) for m in got["metadatas"]] + [distractor_metadata(c) for c in base_chunks]
        questions = embedder.encode([g.question for g in load_gold(REPO / "eval" / "gold.jsonl")])
        queries = np.vstack([questions, held])
        exact = np.argsort(-(queries @ base.T), axis=1)[:, :10]
        print(
            f"{len(base)} chunks ({n_corpus} of our corpus), {len(queries)} queries "
            f"({len(questions)} gold questions, {len(held)} held-out paragraphs), "
            f"embedder {embedder.name}"
        )
        print(
            "| max_neighbors | ef_construction | build s | ef_search | recall@10 all | "
            "gold questions | held-out paragraphs | query p50 ms | query p95 ms |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for m, efc in graphs:
            settings = base_settings.model_copy(
                update={
                    "data_dir": Path(tmp) / f"m{m}-efc{efc}",
                    "hnsw_max_neighbors": m,
                    "hnsw_ef_construction": efc,
                }
            )
            store = ChunkStore(settings, model_name=embedder.name, dimension=embedder.dimension)
            start = time.perf_counter()
            for s in range(0, len(ids), 5000):
                store.upsert(
                    ids[s : s + 5000], texts[s : s + 5000], metas[s : s + 5000], base[s : s + 5000]
                )
            store.mark_complete()
            build = time.perf_counter() - start
            position = {i: n for n, i in enumerate(ids)}
            for ef in efs:
                forget_cached_clients()  # a fresh process would open it like this
                tuned = ChunkStore(
                    settings.model_copy(update={"hnsw_ef_search": ef}),
                    model_name=embedder.name,
                    dimension=embedder.dimension,
                )
                assert tuned.collection().configuration["hnsw"]["ef_search"] == ef
                for q in queries[:5]:  # warm-up: loads the index
                    tuned.query(q, 15)
                recalls, ms = [], []
                for q, want in zip(queries, exact, strict=True):
                    found = {position[h.id] for h in tuned.query(q, 15)[:10]}
                    recalls.append(len(found & set(want.tolist())) / 10)
                for _ in range(args.repeat):
                    for q in queries:
                        start = time.perf_counter()
                        tuned.query(q, 15)
                        ms.append(1000 * (time.perf_counter() - start))
                gold = float(np.mean(recalls[: len(questions)]))
                held_out = float(np.mean(recalls[len(questions) :]))
                print(
                    f"| {m} | {efc} | {build:.0f} | {ef} | {np.mean(recalls):.3f} | {gold:.3f} | "
                    f"{held_out:.3f} | {median(ms):.2f} | {pct(ms, 0.95):.2f} |",
                    flush=True,
                )
        print(f"size {size_label(size)}")


if __name__ == "__main__":
    main()
