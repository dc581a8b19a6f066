"""What an ingest reads (:class:`Sources`) and how it writes (:class:`IngestOptions`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from careerbot.sources.web import Fetcher

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while chunks are embedded and written: ``(0, total)``
first, then after each write with the chunks written so far, up to ``(total, total)``."""

PROGRESS_STEPS = 20
"""An ingest reports its progress at least this often (when it writes that many chunks): a
write batch is cut into parts of at most ``total / PROGRESS_STEPS`` chunks, each embedded,
written and reported in turn. Large ingests keep their full batches (they have the steps)."""


def progress_part(total: int, most: int) -> int:
    """Chunks to embed and write at a time in an ingest of ``total``: ``most`` (the batch size
    that is fastest), or fewer, so that there are :data:`PROGRESS_STEPS` reports on the way."""
    return max(1, min(most, -(-total // PROGRESS_STEPS)))


@dataclass(frozen=True)
class Sources:
    """The sources one ingest covers.

    ``root`` is the corpus folder (None: web pages only). Without ``only`` the run covers every
    file in it; ``only`` (a file or subfolder inside ``root``) narrows it. ``urls`` and
    ``sitemaps`` add web pages, fetched by ``fetcher``, with the same-site pages they link to.
    """

    root: Path | None = None
    only: Path | None = None
    urls: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    fetcher: Fetcher | None = None
    navigation_headings: tuple[str, ...] = ()


@dataclass(frozen=True)
class IngestOptions:
    """How one ingest writes.

    ``rebuild`` embeds everything again, in place, while the collection keeps serving;
    ``dry_run`` only plans and reports; ``batch_size`` chunks go to each write.
    """

    rebuild: bool = False
    dry_run: bool = False
    batch_size: int = 100
    progress: ProgressCallback | None = None
