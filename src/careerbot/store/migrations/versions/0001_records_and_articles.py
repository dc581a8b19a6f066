"""The record manager's records and the articles the pages show.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``records`` and ``articles``."""
    op.create_table(
        "records",
        sa.Column("namespace", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("group_id", sa.Text, nullable=True),
        sa.Column("updated_at", sa.Double, nullable=False),
    )
    op.create_index("records_group", "records", ["namespace", "group_id"])
    op.create_index("records_time", "records", ["namespace", "updated_at"])
    op.create_table(
        "articles",
        sa.Column("collection", sa.Text, primary_key=True),
        sa.Column("slug", sa.Text, primary_key=True),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=True),
        sa.Column("updated", sa.Date, nullable=True),
        sa.Column("markdown", sa.Text, nullable=False),
        sa.Column("content_hash", sa.Text, nullable=False),
        sa.Column("stored_at", sa.Double, nullable=False),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("articles")
    op.drop_index("records_time", "records")
    op.drop_index("records_group", "records")
    op.drop_table("records")
