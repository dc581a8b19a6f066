"""What :class:`~careerbot.embedding.embedder.Embedder` needs of a loaded model, whichever
library runs it (:class:`~careerbot.embedding.torch_backend.TorchModel`,
:class:`~careerbot.embedding.onnx.model.OnnxModel`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    import numpy as np

Backend = Literal["torch", "onnx", "onnx-int8"]
"""How the model runs: sentence-transformers on torch, or the ONNX export in fp32 or int8."""


class EmbeddingModel(Protocol):
    """A loaded sentence embedding model."""

    dimension: int
    """Length of each vector."""
    max_tokens: int
    """The model's window: longer texts are embedded truncated to it."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors (float32, one row a text) for one batch of ``texts``."""
        ...

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for ``text``, special tokens included (untruncated)."""
        ...

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        """Tokens each of ``texts`` takes in a batch: special tokens included, truncated to
        the window (what it costs the model, to batch texts of one length together)."""
        ...
