"""Smoothing before int8 quantization: fp32 results unchanged, int8 vectors closer to fp32's."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest

from careerbot.embedding.embedder import Embedder, bundled_model_path
from careerbot.embedding.onnx.model import OnnxModel
from careerbot.embedding.onnx.quantize import int8_reduce_range
from careerbot.embedding.onnx.smoothing import (
    Int8Recipe,
    activation_ranges,
    shipped_recipe,
    smooth,
    weight_groups,
)

# all-MiniLM-L6-v2: 6 layers, each with the attention input, the attention output projection,
# the FFN input and the FFN output (1536 wide)
GROUP_WIDTHS = [384, 384, 384, 1536] * 6


@pytest.fixture(scope="module")
def fp32(model_cache: Path) -> OnnxModel:
    return OnnxModel(bundled_model_path(), model_cache, "fp32")


@pytest.fixture(scope="module")
def texts(embedder: Embedder) -> list[str]:
    from careerbot.ingest.plan import corpus_chunks
    from careerbot.sources import load_corpus
    from tests.conftest import CORPUS

    return [c.embed_text for c in corpus_chunks(load_corpus(CORPUS), embedder)]


def _vectors_with(model: OnnxModel, graph: Path, texts: list[str]) -> np.ndarray:
    variant = model.with_graph(graph)
    return np.vstack([variant.encode(texts[i : i + 8]) for i in range(0, len(texts), 8)])


def _recipe() -> Int8Recipe:
    recipe = shipped_recipe(bundled_model_path())
    assert recipe is not None, "re-run bench/int8_calibrate.py for this model version"
    return recipe


def test_the_shipped_recipe_is_for_the_bundled_model(fp32: OnnxModel) -> None:
    recipe = _recipe()
    assert [len(r) for r in recipe.ranges] == GROUP_WIDTHS
    assert all(float(r.min()) > 0 for r in recipe.ranges)
    graph = onnx.load(str(fp32.file), load_external_data=False).graph
    groups = weight_groups(graph)
    assert [nodes[0].op_type for _, nodes in groups] == [
        "Attention",
        "MatMul",
        "MatMul",
        "MatMul",
    ] * 6
    # calibration kept the FFN outputs of the first two layers in fp32 (groups 3 and 7)
    assert recipe.fp32_groups == (3, 7)
    assert recipe.fp32_nodes(graph) == [groups[3][1][0].name, groups[7][1][0].name]
    assert all(n.startswith("/inner/encoder/layer.") for n in recipe.fp32_nodes(graph))


def test_a_recipe_names_no_node_outside_the_graph(fp32: OnnxModel) -> None:
    graph = onnx.load(str(fp32.file), load_external_data=False).graph
    assert Int8Recipe(ranges=[], fp32_groups=(0, 999)).fp32_nodes(graph) == ["Attention_0"]


@pytest.mark.slow  # an ONNX export of its own
def test_smoothing_leaves_the_fp32_vectors_as_they_were(
    fp32: OnnxModel, texts: list[str], tmp_path: Path
) -> None:
    assert smooth(fp32.file, tmp_path / "smoothed.onnx", _recipe().ranges)
    before = _vectors_with(fp32, fp32.file, texts)
    after = _vectors_with(fp32, tmp_path / "smoothed.onnx", texts)  # padded batches of 8
    assert float(np.abs(after - before).max()) < 1e-4


def test_ranges_that_do_not_fit_the_graph_are_not_applied(fp32: OnnxModel, tmp_path: Path) -> None:
    ranges = _recipe().ranges
    assert not smooth(fp32.file, tmp_path / "a.onnx", ranges[:-1])
    assert not smooth(fp32.file, tmp_path / "b.onnx", [r[:100] for r in ranges])
    assert not (tmp_path / "a.onnx").exists() and not (tmp_path / "b.onnx").exists()


def test_calibration_measures_every_group_on_real_tokens(fp32: OnnxModel, texts: list[str]) -> None:
    graph = onnx.load(str(fp32.file))
    ranges = activation_ranges(graph, [fp32.feeds(texts[:4]), fp32.feeds(texts[4:9])])
    assert [len(r) for r in ranges] == GROUP_WIDTHS
    # padding cannot count: a batch padded to a long text gives the same ranges as unpadded ones
    short = sorted(texts, key=len)[:2]
    alone = activation_ranges(graph, [fp32.feeds([t]) for t in short])
    padded = activation_ranges(graph, [fp32.feeds([*short, max(texts, key=len)])])
    longest = activation_ranges(graph, [fp32.feeds([max(texts, key=len)])])
    for one, both, long in zip(alone, padded, longest, strict=True):
        np.testing.assert_allclose(np.maximum(one, long), both, rtol=1e-4, atol=1e-5)


@pytest.mark.slow  # several seconds: a throwaway index, a subprocess or a kernel
def test_the_int8_export_is_smoothed_mixed_and_close_to_fp32(
    model_cache: Path, fp32: OnnxModel, texts: list[str]
) -> None:
    int8 = Embedder(backend="onnx-int8", cache_dir=model_cache)
    assert int8.backend == "onnx-int8" and isinstance(int8.model, OnnxModel)
    export = json.loads((int8.model.file.parent / "export.json").read_text())
    assert export["smoothed"] is True
    # the recipe's fp32 nodes are still plain MatMuls on float weights; the rest are int8
    graph = onnx.load(str(int8.model.file), load_external_data=False).graph
    ops = {n.name: n.op_type for n in graph.node}
    assert len(export["fp32_nodes"]) == 2
    assert all(ops[name] == "MatMul" for name in export["fp32_nodes"])
    assert sum(op in ("MatMulInteger", "QAttention") for op in ops.values()) == 22
    reference = Embedder(backend="onnx", cache_dir=model_cache)
    cosines = (int8.encode(texts) * reference.encode(texts)).sum(axis=1)
    # measured 0.9988 mean, 0.9982 min on this corpus with VNNI; smoothed without fp32 groups
    # gave 0.998 / 0.996, unsmoothed 0.994 / 0.984. Without VNNI (AVX2 only) the weights keep
    # 7 bits (reduce_range, against overflow): 0.9977 mean measured on an AMD EPYC.
    assert float(cosines.mean()) > (0.997 if int8_reduce_range() else 0.998)
    assert float(cosines.min()) > 0.996
