"""SmoothQuant-style smoothing of the fused fp32 graph, so its int8 version keeps fp32's quality.

int8 dynamic quantization gives each activation tensor one scale, so a few input channels with
large values (BERT has some) squeeze every other channel into a handful of int8 steps. Smoothing
divides each input channel ``j`` of a weight multiplication by ``s_j`` and multiplies row ``j`` of
its weights by the same ``s_j``: the fp32 result is unchanged, but the activations become flatter
and the weights take up the difference (Xiao et al., SmoothQuant, 2023):

    s_j = max|X_j| ** alpha / max|W_j| ** (1 - alpha)

``max|X_j|`` needs the activations on real text. They are measured once, offline, on text that
is neither our corpus nor an evaluation set (``bench/int8_calibrate.py``), and shipped beside this
module as ``data/int8_activation_ranges.npz`` with the SHA-256 of the model weights they belong
to. A model without matching ranges is quantized unsmoothed.

Padding tokens are zeroed at each smoothed input as well, so their values cannot widen the
per-batch activation scale.

Smoothing does not reach everything: the FFN output multiplications of the first layers still
lose the most when quantized. The same calibration run quantizes the smoothed graph once per
weight group with that group left in fp32, ranks the groups by what that wins back, and keeps
the fewest most sensitive ones in fp32 that lift the minimum cosine to fp32 on the calibration
text to :data:`TARGET_MIN_COSINE`. Those group numbers ship in the same file.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from careerbot.embedding.onnx.runtime import session

if TYPE_CHECKING:
    import numpy as np
    import onnx

log = logging.getLogger(__name__)

RANGES_FILE = Path(__file__).parent / "data" / "int8_activation_ranges.npz"
ALPHA = 0.8
"""Migration strength: how much of the activations' range moves into the weights. 0.8 gave gold
Recall@5 0.973 in dense and hybrid mode; 0.65 gave 0.960 / 0.973 and 0.5 0.932 / 0.946."""
WEIGHTS_FILE = "model.safetensors"
TARGET_MIN_COSINE = 0.998
"""Calibration keeps groups in fp32 until int8's minimum cosine to fp32 reaches this."""


def weights_sha256(model_path: Path) -> str:
    """SHA-256 of the model's weights file: which model a set of ranges belongs to."""
    digest = hashlib.sha256()
    with (model_path / WEIGHTS_FILE).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def weight_groups(graph: onnx.GraphProto) -> list[tuple[str, list[onnx.NodeProto]]]:
    """The nodes that multiply an input by a weight initializer (MatMul and the fused
    Attention), grouped by that input, in the order of their first node in the graph."""
    initializers = {i.name for i in graph.initializer}
    groups: dict[str, list[onnx.NodeProto]] = {}
    for node in graph.node:
        if (
            node.op_type in ("MatMul", "Attention")
            and len(node.input) > 1
            and node.input[1] in initializers
        ):
            groups.setdefault(node.input[0], []).append(node)
    return list(groups.items())


def activation_ranges(
    model: onnx.ModelProto, batches: Iterable[dict[str, np.ndarray]]
) -> list[np.ndarray]:
    """Per-channel max |x| of each :func:`weight_groups` input over the real (unpadded) tokens
    of ``batches`` (onnxruntime feeds with an ``attention_mask``)."""
    import numpy as np
    import onnx

    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    names = [name for name, _ in weight_groups(probe.graph)]
    for name in names:
        output = onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None)
        probe.graph.output.append(output)
    measure = session(probe.SerializeToString())
    wanted = [o.name for o in measure.get_outputs()][-len(names) :]
    ranges = [np.zeros(0, dtype=np.float32) for _ in names]
    for feeds in batches:
        real = feeds["attention_mask"].astype(bool)
        for i, values in enumerate(measure.run(wanted, feeds)):
            top = np.abs(values[real]).max(axis=0)
            ranges[i] = top if not ranges[i].size else np.maximum(ranges[i], top)
    return ranges


@dataclass(frozen=True)
class Int8Recipe:
    """What ``data/int8_activation_ranges.npz`` ships for one model: the activation ranges to
    smooth with, and the weight groups (indices into :func:`weight_groups`) left in fp32."""

    ranges: list[np.ndarray]
    fp32_groups: tuple[int, ...] = ()

    def fp32_nodes(self, graph: onnx.GraphProto) -> list[str]:
        """Names of the nodes of ``graph`` that stay fp32 (for ``nodes_to_exclude``)."""
        groups = weight_groups(graph)
        return [n.name for i in self.fp32_groups if i < len(groups) for n in groups[i][1]]


def shipped_recipe(model_path: Path) -> Int8Recipe | None:
    """The shipped int8 recipe if it was measured on this model's weights, else None."""
    import numpy as np

    if not RANGES_FILE.is_file() or not (model_path / WEIGHTS_FILE).is_file():
        return None
    with np.load(RANGES_FILE) as data:
        if str(data["weights_sha256"]) != weights_sha256(model_path):
            log.info("No int8 smoothing for %s: the shipped ranges are another model's", model_path)
            return None
        fp32 = data["fp32_groups"] if "fp32_groups" in data.files else np.zeros(0, np.int64)
        return Int8Recipe(
            ranges=[data[f"range_{i}"] for i in range(int(data["groups"]))],
            fp32_groups=tuple(int(i) for i in fp32),
        )


def recipe_id() -> str:
    """The int8 recipe: ``ALPHA`` and a short hash of the shipped file (part of the int8
    export's cache key)."""
    if not RANGES_FILE.is_file():
        return "none"
    return f"{ALPHA}:{hashlib.sha256(RANGES_FILE.read_bytes()).hexdigest()[:12]}"


def smooth(source: Path, target: Path, ranges: list[np.ndarray], alpha: float = ALPHA) -> bool:
    """Write the smoothed ``source`` graph to ``target``; False (nothing written) when the graph
    does not have the groups the ranges were measured on."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    groups = weight_groups(graph)
    initializers = {i.name: i for i in graph.initializer}
    if len(groups) != len(ranges) or any(
        len(r) != initializers[nodes[0].input[1]].dims[0]
        for r, (_, nodes) in zip(ranges, groups, strict=True)
    ):
        log.info("No int8 smoothing: the graph does not match the shipped ranges")
        return False
    mask = "smooth_token_mask"
    head = [
        helper.make_node("Cast", ["attention_mask"], [f"{mask}_f"], to=onnx.TensorProto.FLOAT),
        helper.make_node("Unsqueeze", [f"{mask}_f", f"{mask}_axes"], [mask]),
    ]
    axes = numpy_helper.from_array(np.array([-1], dtype=np.int64), f"{mask}_axes")
    graph.initializer.append(axes)
    first: dict[str, int] = {}  # each smoothed input -> the index of its first consumer
    for index, node in enumerate(graph.node):
        if node.input and node.op_type in ("MatMul", "Attention"):
            first.setdefault(node.input[0], index)
    before: dict[int, list[onnx.NodeProto]] = {}  # node index -> the Muls it needs first
    for i, (name, nodes) in enumerate(groups):
        weights = [initializers[n.input[1]] for n in nodes]
        arrays = [numpy_helper.to_array(w) for w in weights]
        w_max = np.max([np.abs(a).max(axis=1) for a in arrays], axis=0)
        scale = np.clip(
            np.maximum(ranges[i], 1e-5) ** alpha / np.maximum(w_max, 1e-5) ** (1 - alpha),
            1e-2,
            1e2,
        ).astype(np.float32)
        inverse = f"{name}_smooth_inv"
        graph.initializer.append(numpy_helper.from_array(1 / scale, inverse))
        muls = [
            helper.make_node("Mul", [name, inverse], [f"{name}_smooth_scaled"]),
            helper.make_node("Mul", [f"{name}_smooth_scaled", mask], [f"{name}_smoothed"]),
        ]
        before[first[name]] = muls
        for node, weight, array in zip(nodes, weights, arrays, strict=True):
            node.input[0] = f"{name}_smoothed"
            weight.CopyFrom(numpy_helper.from_array(array * scale[:, None], weight.name))
    ordered = [*head]
    for index, node in enumerate(graph.node):
        ordered.extend(before.get(index, ()))
        ordered.append(node)
    del graph.node[:]
    graph.node.extend(ordered)
    onnx.save(model, str(target))
    return True
