"""The real app with the ``llamacpp`` backend: the /chat API streams checked sentences, and the
last message is the verified answer with its sources."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client

from careerbot.web.answer_view import as_history
from tests.conftest import REPO, running_app
from tests.web.chat_reply import SOURCES, card_numbers, text_of

pytestmark = pytest.mark.slow
pytest.importorskip("llama_cpp", reason="the test extra installs llama-cpp-python")


@pytest.fixture(scope="module")
def llm_app_server(smollm2_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python app.py` with CAREERBOT_LLM=llamacpp and SmolLM2, on a free loopback port."""
    data = tmp_path_factory.mktemp("llm-server-data")
    with running_app(
        data,
        CAREERBOT_LLM="llamacpp",
        CAREERBOT_LLM_MODEL_PATH=str(smollm2_gguf),
        CAREERBOT_LLM_CONTEXT_SIZE="2048",
        CAREERBOT_LLM_MAX_TOKENS="64",
        PYTHONPATH=str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
    ) as base:
        yield base


def test_chat_streams_checked_sentences_then_the_verified_answer(llm_app_server: str) -> None:
    client = Client(llm_app_server, verbose=False)
    job = client.submit("Why does production ML work earn a pay premium?", api_name="/chat")
    final = job.result(timeout=180)
    outputs = job.outputs()
    assert len(outputs) >= 2  # checked sentences arrived as a growing text, then the answer
    growing, final = outputs[:-1], text_of(final)
    assert all(b.startswith(a) for a, b in zip(growing, growing[1:], strict=False))
    assert text_of(outputs[-1]) == final and SOURCES in final
    if "could not answer" not in final:  # what streamed is the start of the verified answer
        # (streamed with plain [n] markers; the final message has them as links, and cards)
        assert as_history(final).startswith(growing[-1])
    # The final message is the verified answer: every marker in it has a source listed below.
    text, sources = final.split(SOURCES, 1)
    assert {int(n) for n in re.findall(r"\[(\d+)\]", text)} <= card_numbers(sources)
