"""Alembic's environment: migrate over the connection :meth:`Database.migrate` passes in."""

from __future__ import annotations

from alembic import context

from careerbot.store.tables import METADATA

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=METADATA,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
)
with context.begin_transaction():
    context.run_migrations()
