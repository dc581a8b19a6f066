"""The bundled model as ONNX (fp32 or int8), exported offline once into a cache folder.

The export uses ``torch.onnx.export`` (TorchScript exporter) on the model's transformer (eager
attention), then onnxruntime's BERT graph fusions (:func:`_fuse`), and
``onnxruntime.quantization.quantize_dynamic`` for int8 (:func:`_quantize`). At run time the model
is run by onnxruntime, tokenised by the model's own ``tokenizer.json`` (``tokenizers``) and
mean-pooled and L2-normalised exactly like the sentence-transformers pipeline (``modules.json``:
Transformer, mean Pooling, Normalize), so fp32 vectors equal the torch ones.

Loading from the cache needs neither torch nor transformers; only the first export does.
Exports are built in a temporary folder beside their final place and renamed into it, so two
processes exporting at once both end up with one complete copy.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.metadata
import json
import logging
import os
import platform
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from careerbot.errors import EmbeddingModelError

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

OnnxFlavor = Literal["fp32", "int8"]
EXPORT_VERSION = 2
"""Bump when the export recipe changes, so older cached exports are not used."""
MODEL_FILE = "model.onnx"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/careerbot`` or ``~/.cache/careerbot``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "careerbot"


def cpu_flags() -> set[str]:
    """The CPU feature flags from /proc/cpuinfo (empty where there is none)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


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


def _fingerprint(model_path: Path, flavor: OnnxFlavor, reduce_range: bool) -> str:
    """A cache key: the model files, the export recipe and the library versions."""
    parts = [f"v{EXPORT_VERSION}", flavor, f"rr{int(reduce_range)}", str(model_path.resolve())]
    if flavor == "int8":
        from careerbot.embedding.onnx.smoothing import recipe_id

        parts.append(f"smooth:{recipe_id()}")
    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        file = model_path / name
        stat = file.stat() if file.is_file() else None
        parts.append(f"{name}:{stat.st_size if stat else '-'}")
    for package in ("torch", "onnx", "onnxruntime"):
        try:
            parts.append(f"{package}={importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{package}=-")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def export_dir(cache_dir: Path, model_path: Path, flavor: OnnxFlavor, reduce_range: bool) -> Path:
    """Where the export of ``model_path`` in ``flavor`` lives in ``cache_dir``."""
    key = _fingerprint(model_path, flavor, reduce_range)
    return cache_dir / "onnx" / f"{model_path.parent.name}-{flavor}-{key}"


def _export_fp32(model_path: Path, target: Path) -> None:
    """Export the transformer of ``model_path`` to ``target/model.onnx`` (token embeddings out),
    with onnxruntime's graph fusions applied (:func:`_fuse`)."""
    import torch
    from transformers import AutoModel

    # Eager attention exports the MatMul/Softmax pattern that onnxruntime's Attention fusion
    # recognises; the default (SDPA) exports one it does not.
    bert = AutoModel.from_pretrained(
        str(model_path), local_files_only=True, attn_implementation="eager"
    ).eval()

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    dummy = tuple(torch.ones(2, 8, dtype=torch.long) for _ in INPUTS)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "token_embeddings")}
    # The tracer warns about Python conditions it freezes; for this encoder they only concern
    # causal masks and caches, which a sentence encoder does not use (outputs are checked equal
    # to torch's in tests/test_embeddings.py).
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            TokenEmbeddings(bert),
            dummy,
            str(target / "unfused.onnx"),
            dynamo=False,
            input_names=list(INPUTS),
            output_names=["token_embeddings"],
            dynamic_axes=axes,
            opset_version=17,
        )
    config = json.loads((model_path / "config.json").read_text())
    _fuse(
        target / "unfused.onnx",
        target / MODEL_FILE,
        num_heads=int(config.get("num_attention_heads", 0)),
        hidden_size=int(config.get("hidden_size", 0)),
    )
    (target / "unfused.onnx").unlink()


@contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """onnxruntime's tools log advice through the root logger, whose first use would install a
    stderr handler for the whole app; a temporary NullHandler keeps the root logger as it was."""
    root = logging.getLogger()
    quiet = logging.NullHandler()
    root.addHandler(quiet)
    try:
        yield
    finally:
        root.removeHandler(quiet)


def _fuse(source: Path, target: Path, *, num_heads: int, hidden_size: int) -> None:
    """onnxruntime's BERT fusions: EmbedLayerNormalization, Attention, BiasGelu and
    SkipLayerNormalization (all apply to all-MiniLM-L6-v2).

    Measured on this 2-core machine (bench bulk corpus, batch 32, sorted by length, median of 3,
    interleaved): 54 chunks/s against 45 unfused, vectors within 2e-7 of the unfused ones. The
    fused Attention takes the mask as a length, which fits the tokenizer's right padding. A
    model whose graph does not match is saved unfused: slower, same vectors. ``num_heads`` and
    ``hidden_size`` 0 let onnxruntime read them from the graph.
    """
    from onnxruntime.transformers.optimizer import optimize_model

    with _quiet_root_logger(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fused = optimize_model(
            str(source),
            model_type="bert",
            num_heads=num_heads,
            hidden_size=hidden_size,
            opt_level=0,
        )
        fused.save_model_to_file(str(target))
    log.debug("ONNX fusions: %s", fused.get_fused_operator_statistics())


def quantize(source: Path, target: Path, *, reduce_range: bool, fp32_nodes: Sequence[str] = ()) -> None:
    """int8 dynamic quantization of ``source``'s MatMul and Attention weights (QAttention), per
    output channel, except ``fp32_nodes``; activations are quantized per batch at run time."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with _quiet_root_logger():
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


def _quantize(source: Path, target: Path, reduce_range: bool, model_path: Path) -> dict[str, object]:
    """The int8 model of the fused graph in ``source``: smoothed first, with the shipped recipe's
    most sensitive groups left in fp32 (:mod:`careerbot.embedding.onnx.smoothing`), when a recipe ships
    for this model. Returns what was done, for ``export.json``.

    Eval on the bundled model (README): plain int8 lost 1 and 3 of the 74 gold questions at
    Recall@5 (dense, hybrid); smoothed int8 none there, but 2 and 4 of the 36 inverse-cloze
    questions on our articles; with the FFN outputs of layers 0 and 1 in fp32 too, no set
    loses more than one question. Per-tensor weights (the quantize_dynamic default) were
    worse, and keeping every FFN MatMul in fp32 ran about as slowly as fp32.
    """
    import onnx

    from careerbot.embedding.onnx.smoothing import shipped_recipe, smooth

    graph = source / MODEL_FILE
    recipe = shipped_recipe(model_path)
    smoothed = recipe is not None and smooth(graph, target / "smoothed.onnx", recipe.ranges)
    fp32_nodes: list[str] = []
    if smoothed:
        assert recipe is not None
        graph = target / "smoothed.onnx"
        fp32_nodes = recipe.fp32_nodes(onnx.load(str(graph), load_external_data=False).graph)
    quantize(graph, target / MODEL_FILE, reduce_range=reduce_range, fp32_nodes=fp32_nodes)
    if smoothed:
        graph.unlink()
    return {"smoothed": smoothed, "fp32_nodes": fp32_nodes}


def _publish(build: Path, final: Path) -> None:
    """Rename a finished ``build`` folder to ``final``; if another process won, keep theirs."""
    try:
        os.rename(build, final)
    except OSError:
        if not (final / MODEL_FILE).is_file():
            raise
        shutil.rmtree(build, ignore_errors=True)


def _discard(folder: Path) -> None:
    """Move a broken export aside (atomically) and delete it."""
    if not folder.exists():
        return
    doomed = folder.with_name(f"{folder.name}.broken-{os.getpid()}")
    try:
        os.rename(folder, doomed)
    except OSError:
        return
    shutil.rmtree(doomed, ignore_errors=True)


def ensure_export(model_path: Path, cache_dir: Path, flavor: OnnxFlavor) -> Path:
    """The cached ONNX file for ``model_path`` in ``flavor``, exporting it first if missing."""
    reduce_range = int8_reduce_range() if flavor == "int8" else False
    final = export_dir(cache_dir, model_path, flavor, reduce_range)
    if (final / MODEL_FILE).is_file():
        return final / MODEL_FILE
    if final.exists():  # a folder without its model: left over from something else
        _discard(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    source = ensure_export(model_path, cache_dir, "fp32").parent if flavor == "int8" else None
    build = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    try:
        log.info("Exporting %s to ONNX (%s) in %s, once", model_path, flavor, final)
        recipe: dict[str, object] = {"smoothed": False}
        if source is None:
            _export_fp32(model_path, build)
        else:
            recipe = _quantize(source, build, reduce_range, model_path)
        (build / "export.json").write_text(
            json.dumps({"model": str(model_path), "flavor": flavor, "reduce_range": reduce_range,
                        **recipe, "export_version": EXPORT_VERSION})
        )
        _publish(build, final)
    finally:
        if build.exists():
            shutil.rmtree(build, ignore_errors=True)
    return final / MODEL_FILE


def _session(file: Path):  # type: ignore[no-untyped-def]
    """An onnxruntime CPU session for ``file``."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    # onnxruntime's worker threads spin after each run by default, holding a core that the
    # Chroma query right after the embedding then waits for. Measured at 100k chunks on 2
    # cores, four runs each way: retrieve p95 10.9-12.9 ms without spinning against
    # 12.0-17.3 ms with it, p50 a little lower too; ingest throughput the same (57-59 texts/s).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(file), options, providers=["CPUExecutionProvider"])


class OnnxModel:
    """The exported model run by onnxruntime: texts in, unit vectors out."""

    def __init__(self, model_path: Path, cache_dir: Path, flavor: OnnxFlavor) -> None:
        from tokenizers import Tokenizer

        config = json.loads((model_path / "sentence_bert_config.json").read_text())
        pooling = json.loads((model_path / "1_Pooling" / "config.json").read_text())
        if not pooling.get("pooling_mode_mean_tokens"):
            raise EmbeddingModelError(f"{model_path} does not use mean pooling; use embed_backend=torch")
        self.max_tokens = int(config["max_seq_length"])
        self.dimension = int(pooling["word_embedding_dimension"])
        self.flavor = flavor
        self._counter = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self._counter.no_truncation()
        self._counter.no_padding()
        self._tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self._tokenizer.enable_truncation(self.max_tokens)
        pad = self._tokenizer.token_to_id("[PAD]")
        self._tokenizer.enable_padding(pad_id=pad if pad is not None else 0, pad_token="[PAD]")
        file = ensure_export(model_path, cache_dir, flavor)
        try:
            self._session = _session(file)
        except Exception as exc:  # noqa: BLE001 - a corrupt cached file: export again, once
            log.warning("The cached ONNX model %s is unreadable (%s); exporting it again", file, exc)
            _discard(file.parent)
            file = ensure_export(model_path, cache_dir, flavor)
            self._session = _session(file)
        self.file = file
        self._inputs = {i.name for i in self._session.get_inputs()}

    def with_graph(self, graph: Path) -> OnnxModel:
        """This model's tokenizer and pooling around another graph file, such as a smoothed or
        quantized variant (for calibration and tests)."""
        other = copy.copy(self)
        other._session = _session(graph)
        other.file = graph
        other._inputs = {i.name for i in other._session.get_inputs()}
        return other

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for ``text``, special tokens included (untruncated)."""
        return len(self._counter.encode(text, add_special_tokens=True).ids)

    def feeds(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The model inputs for one batch of ``texts``: tokenised, truncated to the window and
        padded to the longest (``attention_mask`` marks the real tokens)."""
        import numpy as np

        encodings = self._tokenizer.encode_batch(list(texts))
        return {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }

    def encode(self, texts: Sequence[str], truncate_dim: int | None = None) -> np.ndarray:
        """Unit vectors for one batch of ``texts`` (float32)."""
        import numpy as np

        feeds = self.feeds(texts)
        mask = feeds["attention_mask"]
        tokens = self._session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
        weights = mask[..., None].astype(np.float32)
        vectors = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        if truncate_dim:
            vectors = vectors[:, :truncate_dim]
        norms = np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        return (vectors / norms).astype(np.float32)
