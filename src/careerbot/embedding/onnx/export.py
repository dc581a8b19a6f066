"""The bundled model exported to ONNX (fp32 or int8), offline, once, into a cache folder.

The export uses ``torch.onnx.export`` (TorchScript exporter) on the model's transformer (eager
attention), then onnxruntime's BERT graph fusions (:func:`fuse`), and for int8
:func:`careerbot.embedding.onnx.quantize.quantize_int8`. Exports are built in a temporary
folder beside their final place and renamed into it, so two processes exporting at once both
end up with one complete copy. Each export's folder name holds a fingerprint of the model
files, the recipe and the library versions, so a change makes a new export.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Literal

from careerbot.embedding.onnx.quantize import int8_reduce_range, quantize_int8
from careerbot.embedding.onnx.runtime import quiet_root_logger
from careerbot.embedding.runtime_env import no_progress_widget_warning, prepare

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


def fingerprint(model_path: Path, flavor: OnnxFlavor, reduce_range: bool) -> str:
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
    key = fingerprint(model_path, flavor, reduce_range)
    return cache_dir / "onnx" / f"{model_path.parent.name}-{flavor}-{key}"


def export_fp32(model_path: Path, target: Path) -> None:
    """Export the transformer of ``model_path`` to ``target/model.onnx`` (token embeddings out),
    with onnxruntime's graph fusions applied (:func:`fuse`)."""
    prepare()
    import torch

    with no_progress_widget_warning():
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
    # to torch's in tests/embedding/test_embedder.py).
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
    fuse(
        target / "unfused.onnx",
        target / MODEL_FILE,
        num_heads=int(config.get("num_attention_heads", 0)),
        hidden_size=int(config.get("hidden_size", 0)),
    )
    (target / "unfused.onnx").unlink()


def fuse(source: Path, target: Path, *, num_heads: int, hidden_size: int) -> None:
    """onnxruntime's BERT fusions: EmbedLayerNormalization, Attention, BiasGelu and
    SkipLayerNormalization (all apply to all-MiniLM-L6-v2).

    Measured on this 2-core machine (bench bulk corpus, batch 32, sorted by length, median of 3,
    interleaved): 54 chunks/s against 45 unfused, vectors within 2e-7 of the unfused ones. The
    fused Attention takes the mask as a length, which fits the tokenizer's right padding. A
    model whose graph does not match is saved unfused: slower, same vectors. ``num_heads`` and
    ``hidden_size`` 0 let onnxruntime read them from the graph.
    """
    prepare()
    from onnxruntime.transformers.optimizer import optimize_model

    with quiet_root_logger(), warnings.catch_warnings():
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


def publish(build: Path, final: Path) -> None:
    """Rename a finished ``build`` folder to ``final``; if another process won, keep theirs."""
    try:
        os.rename(build, final)
    except OSError:
        if not (final / MODEL_FILE).is_file():
            raise
        shutil.rmtree(build, ignore_errors=True)


def discard(folder: Path) -> None:
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
        discard(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    source = ensure_export(model_path, cache_dir, "fp32") if flavor == "int8" else None
    build = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    try:
        log.info("Exporting %s to ONNX (%s) in %s, once", model_path, flavor, final)
        recipe: dict[str, object] = {"smoothed": False}
        if source is None:
            export_fp32(model_path, build)
        else:
            recipe = quantize_int8(
                source, build / MODEL_FILE, reduce_range=reduce_range, model_path=model_path
            )
        (build / "export.json").write_text(
            json.dumps(
                {
                    "model": str(model_path),
                    "flavor": flavor,
                    "reduce_range": reduce_range,
                    **recipe,
                    "export_version": EXPORT_VERSION,
                }
            )
        )
        publish(build, final)
    finally:
        if build.exists():
            shutil.rmtree(build, ignore_errors=True)
    return final / MODEL_FILE
