"""Cold ingest throughput on the same text: careerbot's ``ingest()`` against the tutorial
pipeline (split, embed, ``Chroma.from_documents``), each into an empty folder, the store's
setup timed too. The text is our five articles copied ``copies`` times with distinct text
(bench/ingest.py's bulk corpus). The two cut the text into different numbers of chunks, so
chunks/s is shown beside the fairer figure: seconds for the same text (ratio = naive/careerbot
time, the speed-up)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import naive_pipeline
from bench.common import median, timed
from bench.ingest import bulk_corpus
from careerbot.bot import CareerBot
from careerbot.embedding.embedder import Embedder
from careerbot.settings import Settings

Row = tuple[str, float | None, float | None]


def run_throughput(
    corpus: Path,
    embedder: Embedder,
    naive_embeddings: Any | None,
    work: Path,
    *,
    copies: int,
    runs: int,
    log: Callable[[str], None],
) -> list[Row]:
    """Rows: chunks, cold ingest seconds (median of ``runs``), chunks/s, articles/s."""
    text = bulk_corpus(work / "bulk-corpus", copies) if copies > 1 else corpus
    articles = len(list(text.glob("*.md")))
    cb_s, nv_s, cb_chunks, nv_chunks = [], [], 0, 0
    for run in range(runs):
        log(f"ingest run {run + 1}/{runs} on {articles} articles")
        where = work / f"careerbot-{run}"
        settings = Settings(data_dir=where, corpus_dir=text)

        def careerbot_ingest(settings: Settings = settings) -> None:
            nonlocal cb_chunks
            bot = CareerBot(settings, embedder=embedder, build_if_missing=False)
            cb_chunks = bot.ingest().chunks

        cb_s.append(timed(careerbot_ingest))
        shutil.rmtree(where, ignore_errors=True)
        if naive_embeddings is not None:

            def naive_ingest(where: Path = work / f"naive-{run}") -> None:
                nonlocal nv_chunks
                store, nv_chunks = naive_pipeline.ingest(text, naive_embeddings, where)
                store.delete_collection()

            nv_s.append(timed(naive_ingest))
    cb, nv = median(cb_s), (median(nv_s) if nv_s else None)
    return [
        (f"ingest {articles} articles: chunks", float(cb_chunks), float(nv_chunks) if nv else None),
        (f"ingest {articles} articles: seconds (median of {runs})", cb, nv),
        (f"ingest {articles} articles: chunks/s", cb_chunks / cb, nv_chunks / nv if nv else None),
        (
            f"ingest {articles} articles: articles/s (same text)",
            articles / cb,
            articles / nv if nv else None,
        ),
    ]
