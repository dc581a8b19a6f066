"""Where careerbot looks by default: the checkout it runs in, or the per-user data folder."""

from __future__ import annotations

from pathlib import Path

APP_NAME = "careerbot"


def checkout() -> Path | None:
    """The careerbot checkout the working directory is in: the working directory or the
    nearest folder above it holding ``corpus/`` with Markdown articles; None outside one."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        corpus = folder / "corpus"
        if corpus.is_dir() and next(corpus.glob("*.md"), None) is not None:
            return folder
    return None


def user_data_dir() -> Path:
    """The per-user data folder (``~/.local/share/careerbot`` on Linux); not created here."""
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def _in_checkout(name: str) -> Path | None:
    root = checkout()
    if root is None:
        return None
    return Path(name) if root == Path.cwd() else root / name


def default_corpus_dir() -> Path:
    """``corpus`` in a checkout, else ``corpus`` in the per-user data folder."""
    return _in_checkout("corpus") or user_data_dir() / "corpus"


def default_data_dir() -> Path:
    """``.careerbot`` in a checkout, else the per-user data folder."""
    return _in_checkout(".careerbot") or user_data_dir()
