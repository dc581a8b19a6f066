"""The ingest progress bar, and opening a CareerBot behind it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from careerbot.cli.output import err
from careerbot.settings import Settings

if TYPE_CHECKING:
    from careerbot.bot import CareerBot


@contextmanager
def embedding_progress(enabled: bool = True) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr, as an ingest progress callback.

    The bar appears only once there is something to embed, so an up-to-date index stays quiet.
    When the last section is written it says so: deletes and the keyword index come after
    (about half a minute for the keyword index at 100k chunks).
    """
    if not enabled:
        yield None
        return
    bar = new_bar()
    task: list[Any] = []

    def update(done: int, total: int) -> None:
        if not task:
            if total == 0:
                return
            bar.start()
            task.append(bar.add_task("Embedding sections", total=total))
        phase = "Finishing the index (deletes, keyword index)" if done >= total else None
        bar.update(task[0], completed=done, total=total, description=phase)

    try:
        yield update
    finally:
        if task:
            bar.stop()


def make_bot(
    settings: Settings, *, progress: bool = True, absolute_links: bool = True
) -> CareerBot:
    """A CareerBot, building the index first (with a progress bar) when there is none.

    Links are absolute for the terminal; the web app asks for ``absolute_links=False``."""
    from careerbot.bot import CareerBot

    err.print("Loading the embedding model and the index…", style="dim")
    with embedding_progress(progress) as callback:
        return CareerBot(settings, progress=callback, absolute_links=absolute_links)


@contextmanager
def step_progress(enabled: bool = True) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar on stderr per step of a long job, as a ``(step, done, total)``
    callback (``careerbot ingest --check``): a step's bar appears at its first report with
    something to do, and stays, finished, when the next one starts."""
    if not enabled:
        yield None
        return
    bar = new_bar()
    tasks: dict[str, Any] = {}

    def update(step: str, done: int, total: int) -> None:
        if step not in tasks:
            if total == 0:
                return
            if not tasks:
                bar.start()
            tasks[step] = bar.add_task(step, total=total)
        bar.update(tasks[step], completed=done, total=total)

    try:
        yield update
    finally:
        if tasks:
            bar.stop()


def new_bar() -> Progress:
    """The CLI's progress bar on stderr: what, a bar, done/total, time elapsed."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    )
