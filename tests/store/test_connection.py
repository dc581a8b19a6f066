"""Which of Chroma's errors mean a damaged vector segment (``careerbot ingest`` repairs it)."""

from __future__ import annotations

import pytest

from careerbot.store.connection import is_segment_unloadable


@pytest.mark.parametrize(
    "message",
    [
        # seen in CI after a kill -9 of a re-ingest (its files whole, its write log unappliable)
        "Error executing plan: Error sending backfill request to compactor: "
        "Failed to apply logs to the hnsw segment writer",
        "Error executing plan: Error loading hnsw index",
        "Error executing plan: Error creating hnsw segment reader",
    ],
)
def test_chromas_words_for_an_unreadable_vector_segment_mean_repair(message: str) -> None:
    assert is_segment_unloadable(Exception(message))


def test_other_errors_do_not_mean_repair() -> None:
    assert not is_segment_unloadable(Exception("database disk image is malformed"))
