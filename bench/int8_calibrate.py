"""Measure the int8 recipe of the bundled model (``careerbot/data/int8_activation_ranges.npz``).

    python bench/int8_calibrate.py [--folder /usr/share/doc/python3.11/html/tutorial]

Runs the bundled model's fused fp32 ONNX graph over the chunks of ``--folder`` (Debian's
python3-doc tutorial by default: real prose, and none of our articles or evaluation sets, which
use the howto folder) and records, with the SHA-256 of the weights it was measured on:

1. each weight multiplication's per-channel max |input|, which smooths the graph;
2. the weight groups left in fp32: the smoothed graph is quantized once per group with that
   group in fp32, the groups are ranked by the mean cosine to fp32 that wins back, and the
   fewest of the best are kept that bring the minimum cosine to ``TARGET_MIN_COSINE``.

About 5 minutes on 2 cores. Run it again only for a new model version: the int8 export's cache
key includes the file, so the next int8 load exports again with the new recipe.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import onnx

from careerbot.embedding.embedder import Embedder, bundled_model_path
from careerbot.embedding.onnx.model import OnnxModel
from careerbot.embedding.onnx.quantize import quantize
from careerbot.embedding.onnx.smoothing import (
    RANGES_FILE,
    TARGET_MIN_COSINE,
    Int8Recipe,
    activation_ranges,
    smooth,
    weight_groups,
    weights_sha256,
)
from careerbot.ingest.plan import corpus_chunks
from careerbot.sources import load_corpus

MAX_FP32_GROUPS = 4


def vectors(model: OnnxModel, graph: Path, texts: list[str]) -> np.ndarray:
    """``texts`` embedded by ``graph`` in batches of 32 (the ingest batch size)."""
    variant = model.with_graph(graph)
    return np.vstack([variant.encode(texts[i : i + 32]) for i in range(0, len(texts), 32)])


def fp32_groups(model: OnnxModel, smoothed: Path, texts: list[str], work: Path) -> list[int]:
    """The most sensitive weight groups, fewest first, that reach ``TARGET_MIN_COSINE``."""
    reference = vectors(model, model.file, texts)
    graph = onnx.load(str(smoothed), load_external_data=False).graph

    def cosines(groups: list[int]) -> np.ndarray:
        target = work / "int8.onnx"
        nodes = Int8Recipe(ranges=[], fp32_groups=tuple(groups)).fp32_nodes(graph)
        quantize(smoothed, target, reduce_range=False, fp32_nodes=nodes)
        return (vectors(model, target, texts) * reference).sum(axis=1)

    alone = cosines([])
    print(f"all int8: cosine mean {alone.mean():.5f}, min {alone.min():.5f}")
    gains = []
    for group in range(len(weight_groups(graph))):
        gains.append((float(cosines([group]).mean()), group))
    chosen: list[int] = []
    for _, group in sorted(gains, reverse=True)[:MAX_FP32_GROUPS]:
        chosen.append(group)
        found = cosines(chosen)
        print(f"fp32 groups {chosen}: cosine mean {found.mean():.5f}, min {found.min():.5f}")
        if found.min() >= TARGET_MIN_COSINE:
            break
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--folder", type=Path, default=Path("/usr/share/doc/python3.11/html/tutorial")
    )
    parser.add_argument("--out", type=Path, default=RANGES_FILE)
    args = parser.parse_args()

    embedder = Embedder(backend="onnx")
    onnx_model = embedder.model  # the calibration needs the ONNX graph itself
    if not isinstance(onnx_model, OnnxModel):
        raise SystemExit("the fp32 ONNX backend did not load")
    texts = [c.embed_text for c in corpus_chunks(load_corpus(args.folder), embedder)]
    texts.sort(key=len)

    batches = (onnx_model.feeds(texts[i : i + 16]) for i in range(0, len(texts), 16))
    ranges = activation_ranges(onnx.load(str(onnx_model.file)), batches)
    with tempfile.TemporaryDirectory() as tmp:
        smoothed = Path(tmp) / "smoothed.onnx"
        if not smooth(onnx_model.file, smoothed, ranges):
            raise SystemExit("the measured ranges do not fit the graph")
        keep = fp32_groups(onnx_model, smoothed, texts, Path(tmp))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        weights_sha256=np.array(weights_sha256(bundled_model_path())),
        groups=np.array(len(ranges)),
        fp32_groups=np.array(keep, dtype=np.int64),
        calibration=np.array(f"{len(texts)} chunks of {args.folder}"),
        **{f"range_{i}": r.astype(np.float32) for i, r in enumerate(ranges)},
    )
    print(
        f"{len(ranges)} groups, {keep} in fp32, from {len(texts)} chunks of {args.folder} -> {args.out}"
    )


if __name__ == "__main__":
    main()
