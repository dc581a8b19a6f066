"""The ``careerbot`` command: thin callers of :class:`CareerBot`. Errors become messages here:
a :class:`CareerbotError` is one ``Error:`` line and exit code 1, never a traceback."""

from __future__ import annotations

import functools
import os
import sqlite3
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

from careerbot.cli.ask_cmd import ask, retrieve
from careerbot.cli.eval_cmd import eval_command
from careerbot.cli.ingest_cmd import EXIT_PARTIAL, ingest
from careerbot.cli.output import err, fail
from careerbot.cli.report_cmd import report
from careerbot.cli.serve_cmd import serve
from careerbot.errors import CareerbotError, StorageEnvironmentError
from careerbot.settings import Settings

__all__ = ["EXIT_PARTIAL", "app", "friendly", "main"]

P = ParamSpec("P")
T = TypeVar("T")


def friendly(command: Callable[P, T]) -> Callable[P, T]:
    """``command`` with careerbot's own errors turned into the one-line message and exit 1."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return command(*args, **kwargs)
        except CareerbotError as exc:
            raise fail(str(exc)) from None

    return run


app = typer.Typer(
    help="careerbot: career answers from our articles, with the section of every claim.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(friendly(ingest))
app.command()(friendly(ask))
app.command()(friendly(retrieve))
app.command("eval")(friendly(eval_command))
app.command()(friendly(serve))
app.command()(friendly(report))


def disk_fault(exc: Exception) -> StorageEnvironmentError | None:
    """A full or read-only data dir behind an unexpected error: no bug, so not to report."""
    from careerbot.store.environment import environment_error  # the store's imports are slow

    if not isinstance(exc, OSError | sqlite3.Error):
        return None
    try:
        data_dir = Settings().data_dir
    except Exception:  # noqa: BLE001 - a bad setting was reported already, or will be
        return None
    return environment_error(exc, data_dir)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``careerbot`` console script (``argv`` defaults to sys.argv)."""
    try:
        app(args=argv)
    except KeyboardInterrupt:
        err.print("Interrupted.")
        sys.exit(130)
    except Exception as exc:  # a bug, not a user error: one line, traceback on request
        if os.environ.get("CAREERBOT_DEBUG"):
            raise
        disk = disk_fault(exc)
        if disk is not None:
            err.print(f"[bold red]Error:[/] {disk}", highlight=False, soft_wrap=True)
            sys.exit(1)
        err.print(
            f"[bold red]Error:[/] unexpected {type(exc).__name__}: {exc}. Run again with "
            "CAREERBOT_DEBUG=1 for the traceback, and please report it.",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)
