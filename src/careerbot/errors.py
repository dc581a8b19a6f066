"""careerbot's errors: one small hierarchy, turned into friendly messages only at the edges
(CLI, web UI, HTTP API). Every message says what to do next."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path


class CareerbotError(Exception):
    """Base of every error careerbot raises on purpose."""


class QuestionError(CareerbotError):
    """The question cannot be answered as typed (empty, too long, control characters)."""


class BusyError(CareerbotError):
    """Every answer slot stayed taken for longer than the wait allowed; ask again shortly."""

    def __init__(self, message: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class CorpusError(CareerbotError):
    """The corpus folder is missing or holds no usable article."""


class SourceError(CareerbotError):
    """One source (file or page) could not be read; the rest of the corpus is unaffected."""

    def __init__(self, source: str | Path, reason: str) -> None:
        self.source = str(source)
        self.reason = reason
        super().__init__(f"{self.source}: {reason}")


class IndexStateError(CareerbotError):
    """The index cannot serve: missing, unreadable, or built by another embedding model."""


class IndexMissingError(IndexStateError):
    """No index has been built yet."""


class IndexCorruptError(IndexStateError):
    """The index exists but cannot be read."""


class VectorSegmentError(IndexCorruptError):
    """The index's texts are intact but its vectors are missing or damaged: ``careerbot
    ingest`` repairs it (no ``--rebuild``)."""


class SearchServerUnreachableError(IndexStateError):
    """The Chroma server (``chroma_host``) refused the connection or did not answer in time.

    Nothing is known to be wrong with the index: the message says the server is unreachable
    and that careerbot keeps retrying; never to rebuild. The next call connects afresh.
    """


class DatabaseError(IndexStateError):
    """The shared database (``database_url``) cannot be used: a wrong URL, a missing schema, a
    failed statement. The message says what to check."""


class DatabaseUnreachableError(DatabaseError):
    """The database server refused the connection or did not answer in time: retried on the
    next request, never a reason to rebuild."""


class UnknownAnswerError(CareerbotError):
    """Feedback names an answer_id this app never gave, or one older than the log keeps."""


class EmbeddingModelError(CareerbotError):
    """The bundled embedding model cannot be found or loaded."""


class LLMConfigError(CareerbotError):
    """The language model is configured wrongly (missing model file, base URL, extra)."""


class LLMError(CareerbotError):
    """The language model failed while answering: down, slow, killed, or said nothing usable.

    Never reaches the reader as an error: the answerer falls back to the extractive answer and
    puts ``reason`` into the Answer's one-line notice.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class StorageEnvironmentError(IndexStateError):
    """The data dir cannot be written: the disk is full, or it is read-only or not ours.

    Nothing is wrong with the index itself: the last finished one keeps serving. The message
    says what to free or fix; never to rebuild.
    """


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and the exceptions it came from, nearest first (at most 10: never a cycle)."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return
        yield seen
        seen = seen.__cause__ or seen.__context__
