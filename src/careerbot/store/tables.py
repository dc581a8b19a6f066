"""The shared database's tables, as SQLAlchemy Core metadata (the migrations create them).

``records``: LangChain's record manager (which chunk keys the collection holds, and when each
was last fed); ``articles``: the corpus articles the pages show, so replicas need no corpus
folder. Both are keyed by the Chroma collection's name, so one database serves several.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Double, Index, MetaData, Table, Text

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
