"""One limit on answers for the whole web app: the chat and ``POST /api/ask`` take turns on the
same slots, so the model never works on more answers than it serves (Gradio's queue limits only
the chat; FastAPI runs API routes on a 40-thread pool)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from careerbot.errors import BusyError
from careerbot.settings import Settings


class AnswerSlots:
    """``size`` answers at once; the others wait up to ``wait`` seconds, then get
    :class:`BusyError`."""

    def __init__(self, size: int, wait: float) -> None:
        self.size = size
        self.wait = wait
        self._free = threading.BoundedSemaphore(size)

    @classmethod
    def for_settings(cls, settings: Settings) -> AnswerSlots:
        """As many slots as the answerer serves: ``llm_concurrency`` with a language model,
        ``web_concurrency`` with the extractive answerer."""
        extractive = settings.llm == "extractive"
        size = settings.web_concurrency if extractive else settings.llm_concurrency
        return cls(size, wait=settings.busy_timeout)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot for the ``with`` block, waiting at most ``wait`` seconds for it."""
        if not self._free.acquire(timeout=self.wait):
            retry = max(1, round(self.wait / 2))
            raise BusyError(
                f"careerbot is busy: all {self.size} answer slot(s) are taken. "
                f"Try again in {retry} seconds.",
                retry_after=retry,
            )
        try:
            yield
        finally:
            self._free.release()
