"""Distractor chunks from text nobody here wrote: Debian's python3-doc HTML, embedded once.

The Python documentation (``/usr/share/doc/python3.11/html``, Debian package python3-doc) is
split into paragraph-sized pieces (long paragraphs at sentence ends, ~120 characters), then, if
more are wanted, into packs of consecutive paragraphs of one section (~600, then ~300
characters): about 100k distinct chunks in all. The
order is deterministic (sorted files), so the first ``n`` chunks are always the same.

Embedding 100k texts takes many minutes on a small CPU, so vectors are cached on disk in
shards of :data:`SHARD` texts, keyed by the embedding model's name and a hash of the
shard's texts: a later run (or an interrupted one) reuses every finished shard.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from careerbot.embedding.embedder import Embedder

DOCS = Path(os.environ.get("CAREERBOT_BENCH_DOCS", "/usr/share/doc/python3.11/html"))
CACHE = Path(os.environ.get("CAREERBOT_BENCH_CACHE", Path.home() / ".cache" / "careerbot-bench"))
SHARD = 2000
BLOCKS = ("p", "pre", "dt", "dd", "li")


@dataclass(frozen=True)
class Distractor:
    """One chunk of foreign text: where it came from and what is embedded."""

    page: str  # path of the HTML page under DOCS, without .html
    title: str  # the page's title
    section: str  # the nearest heading above the text
    text: str

    @property
    def embed_text(self) -> str:
        """What both pipelines embed and store: ``Title › Section`` then the text."""
        return f"{self.title} › {self.section}\n{self.text}"


def _pieces(text: str, size: int) -> list[str]:
    """``text`` cut at sentence ends into pieces of about ``size`` characters."""
    if len(text) <= size:
        return [text]
    out, cur = [], ""
    for sentence in re.split(r"(?<=[.!?:;])\s+", text):
        if cur and len(cur) + len(sentence) > size:
            out.append(cur)
            cur = sentence
        else:
            cur = f"{cur} {sentence}".strip()
    if cur:
        out.append(cur)
    final = []
    for piece in out:
        while len(piece) > 2 * size:
            final.append(piece[:size])
            piece = piece[size:]
        final.append(piece)
    return final


def _paragraphs(root: Path) -> Iterator[tuple[str, str, str, list[str]]]:
    """``(page, title, section, paragraphs)`` for every section of every page."""
    import lxml.html

    for path in sorted(root.rglob("*.html")):
        doc = lxml.html.parse(str(path)).getroot()
        body = doc.find_class("body") if doc is not None else []
        if not body:
            continue
        title = " ".join((doc.findtext(".//title") or path.stem).split())
        title = re.sub(r" — Python [\d.]+ documentation$", "", title)
        page = str(path.relative_to(root).with_suffix(""))
        for section in body[0].iter("section"):
            heading = next((h for h in section if h.tag in ("h1", "h2", "h3", "h4")), None)
            name = (
                " ".join(heading.text_content().replace("¶", "").split())
                if heading is not None
                else title
            )
            paras = []
            for el in section.iter(*BLOCKS):
                if el.tag in ("li", "dd") and any(c.tag in BLOCKS for c in el.iterdescendants()):
                    continue
                # only blocks whose nearest section is this one
                owner = next((a for a in el.iterancestors() if a.tag == "section"), None)
                if owner is not section:
                    continue
                text = " ".join(el.text_content().split())
                if len(text) >= 40:
                    paras.append(text)
            if paras:
                yield page, title, name, paras


def distractors(n: int, root: Path = DOCS) -> list[Distractor]:
    """The first ``n`` distinct distractor chunks (fewer if the docs hold fewer).

    Pages are read only as far as needed, so a small ``n`` is quick.
    """
    seen: set[str] = set()
    out: list[Distractor] = []
    sections = []
    for page, title, section, paras in _paragraphs(root):  # paragraph pieces first
        sections.append((page, title, section, paras))
        for para in paras:
            for piece in _pieces(para, 120):
                if len(piece) >= 40 and piece not in seen:
                    seen.add(piece)
                    out.append(Distractor(page, title, section, piece))
                    if len(out) >= n:
                        return out
    for size in (600, 300):  # then packs of consecutive paragraphs of one section
        for page, title, section, paras in sections:
            pack = ""
            for para in [*paras, ""]:
                if pack and (not para or len(pack) + len(para) > size):
                    if pack not in seen:
                        seen.add(pack)
                        out.append(Distractor(page, title, section, pack))
                        if len(out) >= n:
                            return out
                    pack = ""
                pack = f"{pack}\n\n{para}".strip()
    return out


def backend_of(embedder: Embedder) -> str:
    """The embedder's backend name (``torch`` unless it says otherwise)."""
    return str(getattr(embedder, "backend", "torch"))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cached_vectors(
    chunks: list[Distractor],
    embedder: Embedder,
    *,
    cache: Path = CACHE,
    log: Callable[[str], None] = print,
) -> np.ndarray:
    """Unit vectors of ``chunks``' embed texts, from the cache or embedded (and cached) now.

    Shard ``i`` holds chunks ``[i * SHARD, (i + 1) * SHARD)`` beside the digests of their texts;
    a request whose texts start a cached shard reuses its leading vectors.
    """
    import numpy as np

    # The embedder's name tells vectors apart (int8 has its own); torch and ONNX fp32 give the
    # same vectors (max abs diff 1.5e-7), so they share a cache.
    model = re.sub(r"[^A-Za-z0-9.-]+", "-", embedder.name)
    folder = cache / model
    folder.mkdir(parents=True, exist_ok=True)
    parts: list[np.ndarray] = []
    started, embedded = time.perf_counter(), 0
    for index, start in enumerate(range(0, len(chunks), SHARD)):
        texts = [c.embed_text for c in chunks[start : start + SHARD]]
        digests = [_digest(t) for t in texts]
        path, names = folder / f"shard-{index:04d}.npy", folder / f"shard-{index:04d}.json"
        try:
            stored = json.loads(names.read_text())
            if stored[: len(texts)] == digests:
                parts.append(np.load(path)[: len(texts)])
                continue
        except (OSError, ValueError):
            stored = []
        order = np.argsort([len(t) for t in texts], kind="stable")  # less padding per batch
        vectors = np.empty((len(texts), embedder.dimension), dtype=np.float32)
        vectors[order] = embedder.encode([texts[i] for i in order])
        if len(texts) >= len(stored):  # keep the longer shard
            np.save(path.with_suffix(".tmp.npy"), vectors)
            os.replace(path.with_suffix(".tmp.npy"), path)
            names.write_text(json.dumps(digests))
        parts.append(vectors)
        embedded += len(texts)
        rate = embedded / (time.perf_counter() - started)
        log(
            f"  embedded distractors {start + len(texts)}/{len(chunks)} ({rate:.0f} texts/s), "
            f"cached in {folder}"
        )
    if not parts:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    return np.vstack(parts).astype(np.float32, copy=False)


def main() -> None:
    """``python -m bench.distractors [--size 100k]``: embed and cache the distractors ahead of a
    bench run (resumable: finished shards are kept if it is stopped)."""
    import argparse

    import careerbot  # noqa: F401  (offline switches)
    from bench.common import parse_size
    from careerbot.bot import CareerBot
    from careerbot.settings import Settings

    parser = argparse.ArgumentParser(prog="python -m bench.distractors", description=main.__doc__)
    parser.add_argument("--size", default="100k", help="Distractor chunks to cache (default 100k).")
    args = parser.parse_args()
    if not DOCS.is_dir():
        raise SystemExit(
            f"No distractor text at {DOCS}: apt-get install python3-doc, or set "
            "CAREERBOT_BENCH_DOCS to another folder of HTML pages."
        )
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:  # the embedder exactly as CareerBot builds it
        embedder = CareerBot(Settings(data_dir=Path(tmp)), build_if_missing=False).embedder
    chunks = distractors(parse_size(args.size))
    vectors = cached_vectors(chunks, embedder, log=lambda m: print(m, flush=True))
    print(f"{len(vectors)} distractor vectors cached under {CACHE}")


if __name__ == "__main__":
    main()
