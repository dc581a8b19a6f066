"""onnxruntime as careerbot uses it: the one session builder, and a quiet root logger for its
tools."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from careerbot.embedding.runtime_env import prepare

if TYPE_CHECKING:
    import onnxruntime as ort


def session(model: Path | bytes) -> ort.InferenceSession:
    """An onnxruntime CPU session for ``model`` (a file, or a serialized graph)."""
    prepare()
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    # onnxruntime's worker threads spin after each run by default, holding a core that the
    # Chroma query right after the embedding then waits for. Measured at 100k chunks on 2
    # cores, four runs each way: retrieve p95 10.9-12.9 ms without spinning against
    # 12.0-17.3 ms with it, p50 a little lower too; ingest throughput the same (57-59 texts/s).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    source = model if isinstance(model, bytes) else str(model)
    return ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])


@contextmanager
def quiet_root_logger() -> Iterator[None]:
    """onnxruntime's tools log advice through the root logger, whose first use would install a
    stderr handler for the whole app; a temporary NullHandler keeps the root logger as it was."""
    root = logging.getLogger()
    quiet = logging.NullHandler()
    root.addHandler(quiet)
    try:
        yield
    finally:
        root.removeHandler(quiet)
