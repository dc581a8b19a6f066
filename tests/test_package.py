"""``import careerbot`` is cheap and has no side effects; its public names resolve lazily."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
HEAVY = (
    "torch",
    "transformers",
    "sentence_transformers",
    "onnxruntime",
    "huggingface_hub",
    "gradio",
    "chromadb",
    "langchain_core",
    "langchain",
)


def run_clean(code: str) -> str:
    """``code`` in a fresh interpreter whose environment has no CAREERBOT_, HF_ or
    TRANSFORMERS_ variable; its stdout."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CAREERBOT_", "HF_", "TRANSFORMERS_"))
    }
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


def test_import_sets_no_environment_variable() -> None:
    code = (
        "import os; before = dict(os.environ); import careerbot; "
        "print(os.environ.get('HF_HUB_OFFLINE')); print(dict(os.environ) == before)"
    )
    assert run_clean(code).splitlines() == ["None", "True"]


def test_import_loads_no_heavy_library() -> None:
    code = (
        "import json, sys, careerbot; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{list(HEAVY)!r})))"
    )
    assert json.loads(run_clean(code)) == []


@pytest.mark.parametrize(
    "name", ["CareerBot", "Settings", "Answer", "Citation", "Passage", "CareerbotError"]
)
def test_the_public_names_resolve(name: str) -> None:
    import careerbot

    assert name in careerbot.__all__
    value = getattr(careerbot, name)
    assert value.__name__ == name and value.__module__.startswith("careerbot.")
    assert name in dir(careerbot)


def test_an_unknown_name_is_an_attribute_error() -> None:
    import careerbot

    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        careerbot.Nope  # noqa: B018
