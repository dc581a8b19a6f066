"""One cold ingest in this process, for ``bench/compare.py``: ``python -m bench.ingest_probe
careerbot|naive CORPUS WORK`` prints one JSON line (seconds, chunks, and for careerbot where the
time went). Run as a child, so its peak RSS is the ingest's own (the parent reads it with
``os.wait4``) and no model loaded for another figure is counted.

careerbot's split is measured by wrapping the functions each part runs in (perf_counter around
every call; no sampling): reading Markdown, tokenisation (chunking's token counts, and each
batch's token lengths and input ids), the model, Chroma writes and reads, the record manager,
and BM25 with the key-term vocabulary after the writes. Writes run on a worker thread beside the
model, so the parts can add up to more than the wall time. Padding is measured, not timed: the
share of tokens the model ran that were padding; its time is that share of the model's.
With ``CAREERBOT_BENCH_PROFILE=FILE`` the careerbot ingest also runs under pyinstrument (the
``bench`` extra) and its call tree is written to FILE.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

Clock = defaultdict[str, float]
CHUNKING = "chunking (token counts included)"
COUNTS = "tokenise: chunking's token counts"
MODEL = "model (run and pooling)"
IDS = "tokenise: each batch's input ids"
PADDING = "padding (share of the model's time)"


def wrap(owner: Any, name: str, part: str, clock: Clock) -> None:
    """Add the seconds every call of ``owner.name`` takes to ``clock[part]``."""
    inner = getattr(owner, name)

    @functools.wraps(inner)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            clock[part] += time.perf_counter() - start

    setattr(owner, name, timed)


def instrument(clock: Clock, padding: list[tuple[int, int]]) -> None:
    """Wrap the parts of careerbot's ingest; ``padding`` gets (real, padded) tokens a batch."""
    from careerbot.bot import CareerBot
    from careerbot.embedding import embedder as embedder_module
    from careerbot.embedding.onnx.model import OnnxModel
    from careerbot.embedding.torch_backend import TorchModel
    from careerbot.ingest import plan as plan_module
    from careerbot.retrieval.lexical import LexicalIndex
    from careerbot.sources import markdown
    from careerbot.store.chroma import ChunkStore
    from careerbot.store.records import SQLRecordManager

    batches = getattr(embedder_module, "length_batches", None)  # absent before issue 20

    def counted(lengths: Any, **kwargs: Any) -> list[list[int]]:
        out = batches(lengths, **kwargs)
        for batch in out:
            padding.append(
                (sum(lengths[i] for i in batch), max(lengths[i] for i in batch) * len(batch))
            )
        return out

    if batches is not None:
        embedder_module.length_batches = counted
    wrap(markdown, "parse_markdown", "read Markdown", clock)
    wrap(plan_module, "chunk_article", CHUNKING, clock)
    wrap(embedder_module.Embedder, "count_tokens", COUNTS, clock)
    for model in (OnnxModel, TorchModel):
        if hasattr(model, "token_lengths"):
            wrap(model, "token_lengths", "tokenise: lengths to batch by", clock)
        wrap(model, "encode", MODEL, clock)
    wrap(OnnxModel, "feeds", IDS, clock)
    wrap(ChunkStore, "upsert", "Chroma writes (beside the model)", clock)
    wrap(ChunkStore, "vectors_for", "Chroma reads (stored vectors)", clock)
    wrap(ChunkStore, "delete", "Chroma deletes", clock)
    for name in ("update", "exists", "list_keys", "delete_keys", "get_time"):
        wrap(SQLRecordManager, name, "record manager", clock)
    wrap(LexicalIndex, "warm", "BM25 index", clock)
    wrap(CareerBot, "vocabulary", "key-term vocabulary", clock)


def careerbot(corpus: Path, work: Path) -> dict[str, Any]:
    """A cold ``CareerBot.ingest()`` of ``corpus`` as the app makes it (model from settings)."""
    from careerbot.bot import CareerBot
    from careerbot.settings import Settings

    clock: Clock = defaultdict(float)
    padding: list[tuple[int, int]] = []
    instrument(clock, padding)
    start = time.perf_counter()
    bot = CareerBot(Settings(data_dir=work, corpus_dir=corpus), build_if_missing=False)
    bot.embedder.for_documents(1 << 30)  # the model a big ingest uses, loaded before the clock
    load = time.perf_counter() - start
    clock.clear()
    profile = os.environ.get("CAREERBOT_BENCH_PROFILE")  # a pyinstrument report, to look deeper
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    start = time.perf_counter()
    report = bot.ingest()
    seconds = time.perf_counter() - start
    if profiler is not None:
        profiler.stop()
        Path(profile).write_text(profiler.output_text(show_all=False))
    real = sum(r for r, _ in padding)
    padded = sum(p for _, p in padding)
    split = dict(clock)
    # nested parts: report each once
    split[MODEL] = split.get(MODEL, 0.0) - split.get(IDS, 0.0)
    split["chunking, other than token counts"] = split.pop(CHUNKING, 0.0) - split.get(COUNTS, 0.0)
    waste = padded / real - 1 if real else 0.0
    split[PADDING] = split[MODEL] * waste / (1 + waste)
    return {
        "seconds": seconds,
        "load_s": load,
        "chunks": report.chunks,
        "embedded": report.embedded,
        "backend": bot.embedder.for_documents(1 << 30).backend,
        # one model in memory: torch is only imported when the ingest model is a torch twin
        "torch_imported": "torch" in sys.modules,
        "tokens": real,
        "padded_tokens": padded,
        "split": split,
    }


def naive(corpus: Path, work: Path) -> dict[str, Any]:
    """The tutorial pipeline (bench/naive_pipeline.py) into an empty folder."""
    from bench import naive_pipeline

    start = time.perf_counter()
    embeddings = naive_pipeline.load_embeddings()
    load = time.perf_counter() - start
    start = time.perf_counter()
    _, chunks = naive_pipeline.ingest(corpus, embeddings, work)
    return {"seconds": time.perf_counter() - start, "load_s": load, "chunks": chunks}


PIPELINES: dict[str, Callable[[Path, Path], dict[str, Any]]] = {
    "careerbot": careerbot,
    "naive": naive,
}


def main(argv: list[str]) -> None:
    pipeline, corpus, work = argv
    print(json.dumps(PIPELINES[pipeline](Path(corpus), Path(work))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
