"""The shared database's tables, as SQLAlchemy Core metadata (the migrations create them).

``records``: LangChain's record manager (which chunk keys the collection holds, and when each
was last fed); ``articles``: the corpus articles the pages show, so replicas need no corpus
folder; ``answers``: the question log (every answer given, when the log is on); ``feedback``:
readers' ratings, each with a copy of the answer it rates (kept also when the log is off). All
are keyed by the Chroma collection's name, so one database serves several.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Double, Index, Integer, MetaData, Table, Text

METADATA = MetaData()

RECORDS = Table(
    "records",
    METADATA,
    Column("namespace", Text, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("group_id", Text, nullable=True),
    Column("updated_at", Double, nullable=False),
    Index("records_group", "namespace", "group_id"),
    Index("records_time", "namespace", "updated_at"),
)

ARTICLES = Table(
    "articles",
    METADATA,
    Column("collection", Text, primary_key=True),
    Column("slug", Text, primary_key=True),
    Column("path", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("url", Text, nullable=True),
    Column("updated", Date, nullable=True),
    Column("markdown", Text, nullable=False),
    Column("content_hash", Text, nullable=False),
    Column("stored_at", Double, nullable=False),
)

ANSWERS = Table(
    "answers",
    METADATA,
    Column("id", Text, primary_key=True),  # the answer_id readers rate it by
    Column("collection", Text, nullable=False),
    Column("asked_at", Double, nullable=False),
    Column("question", Text, nullable=False),
    Column("understood", Text, nullable=False),  # a follow-up as the bot read it
    Column("answer", Text, nullable=False),
    Column("citations", Text, nullable=False),  # JSON: [{"n", "title", "section", "url"}]
    Column("refused", Boolean, nullable=False),
    Column("top_section", Text, nullable=True),  # "Article › Section" of the best passage
    Column("top_similarity", Double, nullable=True),
    Column("latency_ms", Double, nullable=False),
    Column("backend", Text, nullable=False),
    Column("generation", Text, nullable=False),
    Column("channel", Text, nullable=False),  # chat | api
    Index("answers_time", "collection", "asked_at"),
)

FEEDBACK = Table(
    "feedback",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("answer_id", Text, nullable=False),
    Column("collection", Text, nullable=False),
    Column("rated_at", Double, nullable=False),
    Column("rating", Text, nullable=False),  # up | down
    Column("comment", Text, nullable=False),
    Column("browser", Text, nullable=True),  # a random per-browser id, nothing else
    Column("asked_at", Double, nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("citations", Text, nullable=False),
    Column("backend", Text, nullable=False),
    Column("generation", Text, nullable=False),
    Index("feedback_time", "collection", "rated_at"),
    Index("feedback_answer", "answer_id"),
)
