"""The Insights page: figures folded in from the conversations as they arrive,
and when each crisis flag was reviewed (issue 23).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "crisis_flags",
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "insight_conversations",
        sa.Column("conversation_id", sa.String(255), primary_key=True),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("messages", sa.Integer, nullable=False, server_default="0"),
        sa.Column(
            "booking_offered", sa.Boolean, nullable=False, server_default=sa.false()
        ),
        sa.Column(
            "booking_started", sa.Boolean, nullable=False, server_default=sa.false()
        ),
        sa.Column("booking_question", sa.String(64)),
        sa.Column(
            "handoff_requested", sa.Boolean, nullable=False, server_default=sa.false()
        ),
        sa.Column("form", sa.String(64)),
        sa.Column("handoff_state", sa.String(32)),
    )
    op.create_index("ix_insight_conversations_day", "insight_conversations", ["day"])
    op.create_table(
        "insight_daily_counts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("metric", sa.String(32), nullable=False),
        sa.Column("key", sa.String(255), nullable=False, server_default=""),
        sa.Column("count", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index(
        "ix_insight_daily_counts_day_metric_key",
        "insight_daily_counts",
        ["day", "metric", "key"],
        unique=True,
    )
    op.create_table(
        "insight_progress",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_event_id", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_feedback_id", sa.Integer, nullable=False, server_default="0"),
        sa.Column("timezone", sa.String(64), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("insight_progress")
    op.drop_index("ix_insight_daily_counts_day_metric_key", "insight_daily_counts")
    op.drop_table("insight_daily_counts")
    op.drop_index("ix_insight_conversations_day", "insight_conversations")
    op.drop_table("insight_conversations")
    op.drop_column("crisis_flags", "reviewed_at")
