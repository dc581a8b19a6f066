"""The first-run progress bar (``make_bot``: ``careerbot serve``, ``app.py``, ``ask``) moves
while the sections are embedded, rather than standing at 0/37 until they all are."""

from __future__ import annotations

from typing import Any

import pytest
from rich.progress import Progress

from careerbot.cli import progress as cli_progress
from careerbot.cli.progress import make_bot
from careerbot.settings import Settings


class RecordingBar(Progress):
    """The CLI's bar, keeping the ``completed`` of every update."""

    def __init__(self, bar: Progress, frames: list[tuple[int, int]]) -> None:
        super().__init__(*bar.columns, console=bar.console)
        self.frames = frames

    def update(self, task_id: Any, **fields: Any) -> None:
        super().update(task_id, **fields)
        self.frames.append((int(fields["completed"]), int(fields["total"])))


def test_the_app_start_up_shows_the_embedding_move(monkeypatch: pytest.MonkeyPatch) -> None:
    frames: list[tuple[int, int]] = []
    new_bar = cli_progress.new_bar
    monkeypatch.setattr(cli_progress, "new_bar", lambda: RecordingBar(new_bar(), frames))
    bot = make_bot(Settings(embed_backend="torch"), absolute_links=False)  # as serve does
    assert bot.store.count() == 37
    done = [d for d, _ in frames]
    assert frames[0] == (0, 37) and frames[-1] == (37, 37)
    assert done == sorted(done) and len({d for d in done if 0 < d < 37}) >= 10, frames
