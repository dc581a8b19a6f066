"""int8 versions of the fused fp32 graph: dynamic quantization, smoothed first when a recipe
ships for the model (:mod:`careerbot.embedding.onnx.smoothing`)."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from pathlib import Path

from careerbot.embedding.cpu import cpu_flags
from careerbot.embedding.onnx.runtime import quiet_root_logger
from careerbot.errors import EmbeddingModelError


def int8_reduce_range() -> bool:
    """Whether int8 weights must use 7 bits on this CPU, or raise if int8 is not worth it.

    onnxruntime's u8s8 kernels can saturate on x86 CPUs with AVX2 but without VNNI; its docs
    recommend ``reduce_range`` there. x86 without AVX2 has no fast int8 path at all.
    """
    if platform.machine().lower() not in {"x86_64", "amd64", "i686", "x86"}:
        return False
    flags = cpu_flags()
    if not flags:
        return False
    if flags & {"avx512_vnni", "avx_vnni", "amx_int8"}:
        return False
    if "avx2" in flags:
        return True
    raise EmbeddingModelError("This CPU has no AVX2, so int8 ONNX inference would not be faster.")


def quantize(
    source: Path, target: Path, *, reduce_range: bool, fp32_nodes: Sequence[str] = ()
) -> None:
    """int8 dynamic quantization of ``source``'s MatMul and Attention weights (QAttention), per
    output channel, except ``fp32_nodes``; activations are quantized per batch at run time."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with quiet_root_logger():
        quantize_dynamic(
            str(source),
            str(target),
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Attention"],
            per_channel=True,
            reduce_range=reduce_range,
            nodes_to_exclude=list(fp32_nodes),
            # the fused operators are outside ONNX's shape inference: their outputs are floats
            extra_options={"DefaultTensorType": 1},
        )


def quantize_int8(
    graph: Path, target: Path, *, reduce_range: bool, model_path: Path
) -> dict[str, object]:
    """Write the int8 model of the fused fp32 ``graph`` to ``target``: smoothed first, with the
    shipped recipe's most sensitive groups left in fp32, when a recipe ships for the model at
    ``model_path``. Returns what was done, for ``export.json``.

    Eval on the bundled model (README): plain int8 lost 1 and 3 of the 74 gold questions at
    Recall@5 (dense, hybrid); smoothed int8 none there, but 2 and 4 of the 36 inverse-cloze
    questions on our articles; with the FFN outputs of layers 0 and 1 in fp32 too, no set
    loses more than one question. Per-tensor weights (the quantize_dynamic default) were
    worse, and keeping every FFN MatMul in fp32 ran about as slowly as fp32.
    """
    import onnx

    from careerbot.embedding.onnx.smoothing import shipped_recipe, smooth

    recipe = shipped_recipe(model_path)
    smoothed_file = target.with_name("smoothed.onnx")
    smoothed = recipe is not None and smooth(graph, smoothed_file, recipe.ranges)
    fp32_nodes: list[str] = []
    if smoothed:
        assert recipe is not None
        graph = smoothed_file
        fp32_nodes = recipe.fp32_nodes(onnx.load(str(graph), load_external_data=False).graph)
    quantize(graph, target, reduce_range=reduce_range, fp32_nodes=fp32_nodes)
    if smoothed:
        graph.unlink()
    return {"smoothed": smoothed, "fp32_nodes": fp32_nodes}
