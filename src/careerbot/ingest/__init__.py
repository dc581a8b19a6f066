"""Ingest: sources into the collection, redoing only what changed.

:func:`ingest` (keywords) and :func:`ingest_sources` (option objects) read a corpus folder
and/or web pages; :func:`ingest_corpus` takes a corpus already loaded. Each plans against what
the collection holds, writes through ``langchain_core.indexing.index`` with the record manager,
and returns an :class:`IngestReport`.
"""

from careerbot.ingest.options import IngestOptions, ProgressCallback, Sources
from careerbot.ingest.plan import Plan, corpus_chunks, make_plan
from careerbot.ingest.report import ArticleCounts, Change, IngestReport, Kind
from careerbot.ingest.run import ingest, ingest_corpus, ingest_sources
from careerbot.ingest.scope import Scope, gather
from careerbot.ingest.writer import ChunkVectorStore, chunk_documents, record_key
from careerbot.store.writer_lock import ingest_lock

__all__ = [
    "ArticleCounts",
    "Change",
    "ChunkVectorStore",
    "IngestOptions",
    "IngestReport",
    "Kind",
    "Plan",
    "ProgressCallback",
    "Scope",
    "Sources",
    "chunk_documents",
    "corpus_chunks",
    "gather",
    "ingest",
    "ingest_corpus",
    "ingest_lock",
    "ingest_sources",
    "make_plan",
    "record_key",
]
