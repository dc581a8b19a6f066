"""The few environment variables the model libraries read only from the environment.

Everything else is passed by argument where the model is loaded (the bundled folder,
``local_files_only=True``, no progress bars). What these libraries read once, when they are
first imported or load a native runtime, cannot be; :func:`prepare` sets it, with
``setdefault`` so a value the user chose wins. It runs when a model loads, never on
``import careerbot``, and never switches a model hub off for the rest of the process.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULTS = {
    # onnxruntime sends usage events unless this is set; disable_telemetry_events() does not
    # stop them all. Read by its native library.
    "ORT_DISABLE_TELEMETRY": "1",
    # OpenMP threads (torch's and llama.cpp's) spin after each parallel step by default. With
    # the embedding model and an in-process LLM on a few cores they starve each other:
    # measured here, retrieval after an answer took ~500 ms instead of ~25 ms and prompt
    # evaluation ran 2x slower. Read when each OpenMP runtime loads.
    "OMP_WAIT_POLICY": "PASSIVE",
    # transformers logs load reports and advice at warning level; read when it is imported.
    "TRANSFORMERS_VERBOSITY": "error",
    # huggingface_hub reads these when imported. Loading from a folder makes no hub call, so
    # there is nothing to report or download; they keep it so if something asks anyway.
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
}
"""What :func:`prepare` sets when unset, and why."""


def prepare() -> None:
    """Set :data:`DEFAULTS` that are unset. Call it before importing torch, transformers,
    sentence-transformers, onnxruntime or llama_cpp; calling it again does nothing."""
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)


@contextmanager
def no_progress_widget_warning() -> Iterator[None]:
    """Around an import of transformers or sentence-transformers: they import ``tqdm.auto``,
    which in a Jupyter kernel without ipywidgets warns "IProgress not found" (in red, once per
    process). careerbot shows none of their progress bars (``HF_HUB_DISABLE_PROGRESS_BARS``,
    ``show_progress_bar=False``), so that warning says nothing; it is silenced for the import
    only, never for the process."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found")
        yield
