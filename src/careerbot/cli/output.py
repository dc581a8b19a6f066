"""The command line's two consoles, its one error line, and its Settings."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console

from careerbot.settings import Settings

err = Console(stderr=True)
"""Messages, progress and errors (stderr), so stdout carries only results."""
out = Console()
"""Results: tables, answers, JSON (stdout)."""


def print_error(message: str) -> None:
    """One ``Error: ...`` line on stderr."""
    err.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` as the error line; the exit to raise, with ``code``."""
    print_error(message)
    return typer.Exit(code)


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with the options given on the command line on top."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except Exception as exc:  # noqa: BLE001 - pydantic's message names the bad variable
        raise fail(f"Invalid setting: {exc}") from None
