"""Measure the activation ranges that smooth the int8 model (``careerbot/data/int8_activation_ranges.npz``).

    python bench/int8_calibrate.py [--folder /usr/share/doc/python3.11/html/tutorial]

Runs the bundled model's fused fp32 ONNX graph over the chunks of ``--folder`` (Debian's
python3-doc tutorial by default: real prose, and none of our articles or evaluation sets, which
use the howto folder) and writes each weight multiplication's per-channel max |input| with the
SHA-256 of the weights it was measured on. Run it again only for a new model version: the int8
export's cache key includes the file, so the next int8 load exports again with the new ranges.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import onnx

import careerbot  # noqa: F401  (offline switches)
from careerbot.embeddings import Embedder, bundled_model_path
from careerbot.ingest import corpus_chunks
from careerbot.onnx_smoothing import RANGES_FILE, activation_ranges, weights_sha256
from careerbot.sources import load_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folder", type=Path, default=Path("/usr/share/doc/python3.11/html/tutorial"))
    parser.add_argument("--out", type=Path, default=RANGES_FILE)
    args = parser.parse_args()

    embedder = Embedder(backend="onnx")
    onnx_model = embedder._onnx  # noqa: SLF001 - the calibration needs the ONNX graph itself
    if onnx_model is None:
        raise SystemExit("the fp32 ONNX backend did not load")
    texts = [c.embed_text for c in corpus_chunks(load_corpus(args.folder), embedder)]
    texts.sort(key=len)

    batches = (onnx_model.feeds(texts[i : i + 16]) for i in range(0, len(texts), 16))
    ranges = activation_ranges(onnx.load(str(onnx_model.file)), batches)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        weights_sha256=np.array(weights_sha256(bundled_model_path())),
        groups=np.array(len(ranges)),
        calibration=np.array(f"{len(texts)} chunks of {args.folder}"),
        **{f"range_{i}": r.astype(np.float32) for i, r in enumerate(ranges)},
    )
    print(f"{len(ranges)} groups from {len(texts)} chunks of {args.folder} -> {args.out}")


if __name__ == "__main__":
    main()
