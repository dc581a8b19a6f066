"""examples/analyst.ipynb runs top to bottom in a kernel of this Python, on the test's isolated
data dir (the CAREERBOT_* variables the kernel inherits), and the README shows its code."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO

NOTEBOOK = REPO / "examples" / "analyst.ipynb"
KERNEL = "careerbot-test"


def kernel_of_this_python(root: Path) -> Path:
    """A kernel spec running ``sys.executable`` (this venv), under ``root`` as a JUPYTER_PATH."""
    folder = root / "kernels" / KERNEL
    folder.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec = {"argv": argv, "display_name": KERNEL, "language": "python"}
    (folder / "kernel.json").write_text(json.dumps(spec))
    return root


def outputs(cell: nbformat.NotebookNode) -> str:
    """Everything a cell showed, as text (streams, plain text, HTML)."""
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        data = out.get("data", {})
        parts += [data.get("text/plain", ""), data.get("text/html", "")]
    return "\n".join(parts)


@pytest.mark.slow  # several seconds: a throwaway index, a subprocess or a kernel
def test_the_analyst_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_of_this_python(tmp_path / "jupyter")))
    monkeypatch.setenv("PYTHONPATH", str(REPO / "src"))  # the checkout, installed or not
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name=KERNEL, resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.execute()
    shown = [outputs(c) for c in nb.cells if c.cell_type == "code"]
    assert not any("Warning" in s or "Traceback" in s for s in shown), shown
    # The bot's index is the test's own data dir, not the checkout's or the user's.
    assert str(tmp_path / "data") in shown[0]
    assert "<table" in shown[1] and "https://careers.example.com/articles/" in shown[1]
    assert "ml-engineer-vs-data-scientist-2026" in shown[2]
    assert "2026-01-12" not in shown[3] and "2026-01-21" in shown[3]
    assert "similarity" in shown[4] and "<table" in shown[4]  # a DataFrame of scores
    assert "best_score" in shown[5]
    assert "recall_at_5" in shown[7] and "mrr_at_10" in shown[7]


def test_the_readme_shows_the_notebooks_code() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Notebook API", 1)[1].split("\n## ", 1)[0]
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.source in section, f"README's notebook section lacks:\n{cell.source}"
