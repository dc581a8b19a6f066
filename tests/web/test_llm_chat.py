"""The real app with the ``llamacpp`` backend: the /chat API streams the model's tokens, and the
last message is the verified answer with its sources."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client

from tests.conftest import CORPUS, REPO, free_port, wait_for_http

pytestmark = pytest.mark.slow
pytest.importorskip("llama_cpp", reason="the test extra installs llama-cpp-python")


@pytest.fixture(scope="module")
def llm_app_server(smollm2_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python app.py` with CAREERBOT_LLM=llamacpp and SmolLM2, on a free loopback port."""
    data = tmp_path_factory.mktemp("llm-server-data")
    port = free_port()
    log = data / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "GRADIO_"))}
    env |= {
        "CAREERBOT_DATA_DIR": str(data / "index"),
        "CAREERBOT_CORPUS_DIR": str(CORPUS),
        "CAREERBOT_LLM": "llamacpp",
        "CAREERBOT_LLM_MODEL_PATH": str(smollm2_gguf),
        "CAREERBOT_LLM_CONTEXT_SIZE": "2048",
        "CAREERBOT_LLM_MAX_TOKENS": "64",
        "PYTHONPATH": str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", ""),
    }
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, str(REPO / "app.py"), "--port", str(port)],
                                cwd=data, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/api/health", proc, log)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_chat_streams_model_tokens_then_the_verified_answer(llm_app_server: str) -> None:
    client = Client(llm_app_server, verbose=False)
    job = client.submit("Why does production ML work earn a pay premium?", api_name="/chat")
    final = job.result(timeout=180)
    outputs = job.outputs()
    assert len(outputs) > 3  # the model's tokens arrived as a growing text, piece by piece
    growing = outputs[:-1]
    assert all(b.startswith(a) for a, b in zip(growing, growing[1:], strict=False))
    assert outputs[-1] == final and "**Sources**" in final
    # The final message is the verified answer: every marker in it has a source listed below.
    text, sources = final.split("**Sources**", 1)
    listed = {int(n) for n in re.findall(r"^(\d+)\. \[", sources, re.MULTILINE)}
    assert {int(n) for n in re.findall(r"\[(\d+)\]", text)} <= listed
