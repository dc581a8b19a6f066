"""Retrieval and ask latency at growing index sizes: careerbot against the naive store.

Both stores hold the same texts with the same vectors: our corpus (ingested by careerbot, its
vectors read back) plus distractor chunks from the Python docs, embedded once and cached
(bench/distractors.py). careerbot's store gets them through ``ChunkStore.upsert`` (its HNSW
settings); the naive one through its langchain-chroma collection (Chroma's defaults), as
``add_texts`` would after embedding. Timed in-process, query embedding included:
``CareerBot.retrieve(q, k=5)`` against ``Chroma.similarity_search(q, k=5)``, the two
interleaved question by question so load on the machine hits both alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import naive_pipeline
from bench.common import GB, Budget, median, pct, size_label, timed
from bench.distractors import Distractor, cached_vectors, distractors
from careerbot.bot import CareerBot
from careerbot.settings import Settings

# Estimates for the memory/disk check, generous guesses (not yet calibrated at 100k): both
# stores, each holding vectors, HNSW links, the documents and Chroma's full-text index.
MEMORY_BASE, MEMORY_PER_CHUNK = int(1.5 * GB), 10_000
DISK_BASE, DISK_PER_CHUNK = int(0.3 * GB), 20_000


@dataclass
class SizeResult:
    """The figures of one size (a skipped size has only ``skipped``)."""

    size: int
    skipped: str | None = None
    rows: list[tuple[str, float | None, float | None]] = field(default_factory=list)


def distractor_metadata(d: Distractor) -> dict[str, str | int]:
    """What careerbot's retriever reads from a stored chunk, for a foreign paragraph."""
    anchor = re.sub(r"[^a-z0-9]+", "-", d.section.lower()).strip("-")
    return {
        "slug": f"pydoc-{d.page.replace('/', '-')}",
        "anchor": anchor,
        "title": d.title,
        "section": d.section,
        "text_start": len(d.embed_text) - len(d.text),
        "origin": "web",
        "canonical_url": "",
        "updated": "",
    }


class Stores:
    """careerbot's and the naive store, grown together size by size."""

    def __init__(self, bot: CareerBot, naive: Any | None, log: Callable[[str], None]) -> None:
        self.bot, self.naive, self.log = bot, naive, log
        got = bot.store.collection().get(include=["documents", "metadatas", "embeddings"])
        self.corpus = (
            list(got["ids"]),
            list(got["documents"]),
            list(got["metadatas"]),
            got["embeddings"],
        )
        self.filled = 0  # distractors in both stores so far
        if naive is not None:
            ids, docs, metas, vecs = self.corpus
            naive_pipeline.add_vectors(
                naive, ids, docs, [{"source": m["slug"]} for m in metas], vecs
            )

    @property
    def count(self) -> int:
        return len(self.corpus[0]) + self.filled

    def grow(self, size: int) -> dict[str, float]:
        """Add distractors until both stores hold ``size`` chunks: seconds each side took, and
        how many were added."""
        want = size - len(self.corpus[0])
        chunks = distractors(want)
        if len(chunks) < want:
            raise ValueError(f"only {len(chunks)} distractor chunks available, {want} wanted")
        vectors = cached_vectors(chunks, self.bot.embedder, log=self.log)
        new = range(self.filled, want)
        metas = [distractor_metadata(chunks[i]) for i in new]
        # shaped like careerbot's own ids (slug#anchor:part), so pieces of one section group
        ids = [f"{m['slug']}#{m['anchor']}:{i}" for i, m in zip(new, metas, strict=True)]
        texts = [chunks[i].embed_text for i in new]
        seconds = {"careerbot": 0.0, "naive": 0.0, "added": float(len(ids))}
        for start in range(0, len(ids), 5000):
            part = slice(start, start + 5000)
            seconds["careerbot"] += timed(
                self.bot.store.upsert,
                ids[part],
                texts[part],
                metas[part],
                vectors[self.filled :][part],
            )
        if self.naive is not None:
            metas = [{"source": chunks[i].page} for i in new]
            seconds["naive"] = timed(
                naive_pipeline.add_vectors,
                self.naive,
                ids,
                texts,
                metas,
                vectors[self.filled : want],
            )
        titles = {str(m["title"]) for m in self.corpus[2]} | {c.title for c in chunks[:want]}
        self.bot.store.mark_complete(titles)  # as an ingest would, so refusals list them cheaply
        self.filled = want
        return seconds


def estimate(size: int) -> tuple[int, int]:
    """(memory, disk) bytes a size needs, roughly."""
    return MEMORY_BASE + MEMORY_PER_CHUNK * size, DISK_BASE + DISK_PER_CHUNK * size


def run_sizes(
    settings: Settings,
    bot: CareerBot,
    naive_embeddings: Any | None,
    sizes: list[int],
    questions: list[str],
    *,
    repeat: int,
    budget: Budget,
    work: Path,
    log: Callable[[str], None],
) -> list[SizeResult]:
    """Latency figures at each size (ascending); a size that does not fit is skipped."""
    naive = (
        naive_pipeline.open_store(naive_embeddings, work / "naive") if naive_embeddings else None
    )
    stores = Stores(bot, naive, log)
    results = []
    for size in sorted(sizes):
        label = size_label(size)
        memory, disk = estimate(size)
        skipped = budget.check(label, work, memory=memory, disk=disk)
        if skipped is None and size < stores.count:
            skipped = f"skipped {label}: smaller than the corpus itself ({stores.count} chunks)"
        if skipped:
            log(skipped)
            results.append(SizeResult(size, skipped))
            continue
        log(f"size {label}: filling both stores")
        fill = stores.grow(size)
        ms: dict[str, list[float]] = {"cb": [], "nv": [], "ask": []}
        for q in questions[:3]:  # warm-up, not counted
            bot.retrieve(q, k=5)
            if naive is not None:
                naive.similarity_search(q, k=5)
        for _ in range(repeat):
            for q in questions:
                ms["cb"].append(1000 * timed(bot.retrieve, q, 5))
                if naive is not None:
                    ms["nv"].append(1000 * timed(naive.similarity_search, q, 5))
                ms["ask"].append(1000 * timed(bot.ask, q))
        added = fill["added"]
        nv = ms["nv"] or None
        rows = [
            (f"{label}: retrieve k=5 p50 ms", median(ms["cb"]), median(nv) if nv else None),
            (f"{label}: retrieve k=5 p95 ms", pct(ms["cb"], 0.95), pct(nv, 0.95) if nv else None),
            (f"{label}: extractive ask p50 ms", median(ms["ask"]), None),
            (f"{label}: extractive ask p95 ms", pct(ms["ask"], 0.95), None),
        ]
        if added > 0 and fill["careerbot"] > 0:
            rows.append(
                (
                    f"{label}: insert precomputed vectors, chunks/s",
                    added / fill["careerbot"],
                    added / fill["naive"] if naive is not None and fill["naive"] else None,
                )
            )
        results.append(SizeResult(size, None, rows))
    return results
