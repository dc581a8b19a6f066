"""What an ingest reads (:class:`Sources`) and how it writes (:class:`IngestOptions`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from careerbot.sources.web import Fetcher

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while chunks are embedded and written."""


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
