"""The bundled model as ONNX, run by onnxruntime: texts in, unit vectors out.

The graph comes from the export cache (:mod:`careerbot.embedding.onnx.export`). Texts are
tokenised by the model's own ``tokenizer.json`` (``tokenizers``) and the token embeddings
mean-pooled and L2-normalised exactly like the sentence-transformers pipeline (``modules.json``:
Transformer, mean Pooling, Normalize), so fp32 vectors equal the torch ones. Loading from the
cache needs neither torch nor transformers; only the first export does.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from careerbot.embedding.onnx.export import OnnxFlavor, discard, ensure_export
from careerbot.embedding.onnx.runtime import session
from careerbot.errors import EmbeddingModelError

if TYPE_CHECKING:
    import numpy as np
    import onnxruntime as ort

log = logging.getLogger(__name__)


class OnnxModel:
    """The exported model run by onnxruntime: texts in, unit vectors out.

    ``flavor`` picks the export (``fp32``, or ``int8`` weights), made into ``cache_dir`` on
    first use; ``graph`` runs another graph file instead, such as a smoothed or quantized
    variant (for calibration and tests). ``truncate_dim`` keeps the first dimensions of each
    vector (before normalising).
    """

    def __init__(
        self,
        model_path: Path,
        cache_dir: Path,
        flavor: OnnxFlavor,
        *,
        truncate_dim: int | None = None,
        graph: Path | None = None,
    ) -> None:
        from tokenizers import Tokenizer

        config = json.loads((model_path / "sentence_bert_config.json").read_text())
        pooling = json.loads((model_path / "1_Pooling" / "config.json").read_text())
        if not pooling.get("pooling_mode_mean_tokens"):
            raise EmbeddingModelError(
                f"{model_path} does not use mean pooling; use embed_backend=torch"
            )
        self.model_path = model_path
        self.cache_dir = cache_dir
        self.flavor = flavor
        self.truncate_dim = truncate_dim
        self.max_tokens = int(config["max_seq_length"])
        self.dimension = truncate_dim or int(pooling["word_embedding_dimension"])
        self._counter = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self._counter.no_truncation()
        self._counter.no_padding()
        self._tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self._tokenizer.enable_truncation(self.max_tokens)
        pad = self._tokenizer.token_to_id("[PAD]")
        self._tokenizer.enable_padding(pad_id=pad if pad is not None else 0, pad_token="[PAD]")
        if graph is not None:
            self.file = graph
            self._session = session(graph)
        else:
            self.file, self._session = _cached_session(model_path, cache_dir, flavor)
        self._inputs = {i.name for i in self._session.get_inputs()}

    def with_graph(self, graph: Path) -> OnnxModel:
        """This model's tokenizer and pooling around another graph file, such as a smoothed or
        quantized variant (for calibration and tests)."""
        return OnnxModel(
            self.model_path,
            self.cache_dir,
            self.flavor,
            truncate_dim=self.truncate_dim,
            graph=graph,
        )

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for ``text``, special tokens included (untruncated)."""
        return len(self._counter.encode(text, add_special_tokens=True).ids)

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        """Tokens each text takes in a batch (special tokens included, truncated)."""
        encodings = self._counter.encode_batch(list(texts), add_special_tokens=True)
        return [min(len(e.ids), self.max_tokens) for e in encodings]

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

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for one batch of ``texts`` (float32)."""
        import numpy as np

        feeds = self.feeds(texts)
        mask = feeds["attention_mask"]
        tokens = self._session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
        weights = mask[..., None].astype(np.float32)
        vectors = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        if self.truncate_dim:
            vectors = vectors[:, : self.truncate_dim]
        norms = np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        return (vectors / norms).astype(np.float32)


def _cached_session(
    model_path: Path, cache_dir: Path, flavor: OnnxFlavor
) -> tuple[Path, ort.InferenceSession]:
    """The cached export's file and an onnxruntime session for it (exported first if missing)."""
    file = ensure_export(model_path, cache_dir, flavor)
    try:
        return file, session(file)
    except Exception as exc:  # noqa: BLE001 - a corrupt cached file: export again, once
        log.warning("The cached ONNX model %s is unreadable (%s); exporting it again", file, exc)
        discard(file.parent)
        file = ensure_export(model_path, cache_dir, flavor)
        return file, session(file)
