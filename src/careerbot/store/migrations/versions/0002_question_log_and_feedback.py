"""The question log and readers' feedback.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``answers`` and ``feedback``."""
    op.create_table(
        "answers",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("collection", sa.Text, nullable=False),
        sa.Column("asked_at", sa.Double, nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("understood", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("citations", sa.Text, nullable=False),
        sa.Column("refused", sa.Boolean, nullable=False),
        sa.Column("top_section", sa.Text, nullable=True),
        sa.Column("top_similarity", sa.Double, nullable=True),
        sa.Column("latency_ms", sa.Double, nullable=False),
        sa.Column("backend", sa.Text, nullable=False),
        sa.Column("generation", sa.Text, nullable=False),
        sa.Column("channel", sa.Text, nullable=False),
    )
    op.create_index("answers_time", "answers", ["collection", "asked_at"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("answer_id", sa.Text, nullable=False),
        sa.Column("collection", sa.Text, nullable=False),
        sa.Column("rated_at", sa.Double, nullable=False),
        sa.Column("rating", sa.Text, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("browser", sa.Text, nullable=True),
        sa.Column("asked_at", sa.Double, nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("citations", sa.Text, nullable=False),
        sa.Column("backend", sa.Text, nullable=False),
        sa.Column("generation", sa.Text, nullable=False),
    )
    op.create_index("feedback_time", "feedback", ["collection", "rated_at"])
    op.create_index("feedback_answer", "feedback", ["answer_id"])


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("feedback")
    op.drop_table("answers")
