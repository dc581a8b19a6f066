"""The bundled model run by sentence-transformers on torch, on the CPU."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from careerbot.embedding.runtime_env import no_progress_widget_warning, prepare
from careerbot.errors import EmbeddingModelError

if TYPE_CHECKING:
    import numpy as np
    from sentence_transformers import SentenceTransformer


class TorchModel:
    """A loaded ``SentenceTransformer``; with ``bfloat16``, its matrix products run in bfloat16
    (``torch.autocast``; sums, norms and softmax stay float32, and so do the vectors)."""

    def __init__(
        self,
        model: SentenceTransformer,
        *,
        bfloat16: bool = False,
        lock: threading.Lock | None = None,
    ) -> None:
        self.model = model
        self.bfloat16 = bfloat16
        # The tokenizer sets its padding and truncation on each call, so two threads using one
        # model at once (a reader's request and the warm-up) can pad one batch by the other's
        # rules ("expected sequence of length 44 at dim 1 (got 32)", seen in CI). One lock per
        # loaded model, shared with its bfloat16 twin; torch uses both cores for one batch anyway.
        self._lock = lock or threading.Lock()
        dimension, window = model.get_embedding_dimension(), model.max_seq_length
        if dimension is None or window is None:
            raise EmbeddingModelError("The embedding model has no fixed dimension or window")
        self.dimension = int(dimension)
        self.max_tokens = int(window)

    @classmethod
    def load(cls, path: Path, truncate_dim: int | None = None) -> TorchModel:
        """The model folder at ``path``, from disk only: no model hub is asked."""
        prepare()
        with no_progress_widget_warning():
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

        # transformers draws a "Loading weights" bar on stderr; off for this load only (the
        # environment switch is read when huggingface_hub is imported, often by gradio first).
        was_on = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()
        try:
            model = SentenceTransformer(
                str(path), device="cpu", local_files_only=True, truncate_dim=truncate_dim
            )
        except Exception as exc:  # noqa: BLE001 - any load failure means the same to the user
            raise EmbeddingModelError(
                f"The embedding model at {path} failed to load: {exc}"
            ) from exc
        finally:
            if was_on:
                hf_logging.enable_progress_bar()
        return cls(model)

    def in_bfloat16(self) -> TorchModel:
        """The same loaded model, multiplying in bfloat16."""
        return TorchModel(self.model, bfloat16=True, lock=self._lock)

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for ``text``, special tokens included (untruncated)."""
        with self._lock:
            return len(self.model.tokenizer(text, add_special_tokens=True)["input_ids"])

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        """Tokens each text takes in a batch (special tokens included, truncated)."""
        with self._lock:
            ids = self.model.tokenizer(list(texts), add_special_tokens=True)["input_ids"]
        return [min(len(i), self.max_tokens) for i in ids]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for one batch of ``texts`` (float32)."""
        import numpy as np
        import torch

        with self._lock, torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bfloat16):
            vectors = self.model.encode(
                list(texts),
                batch_size=max(len(texts), 1),
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)
