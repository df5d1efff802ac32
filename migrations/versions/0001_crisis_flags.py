"""Crisis flags for staff follow-up.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crisis_flags",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("detection", sa.String(32), nullable=False, server_default=""),
        sa.Column("categories", sa.String(255), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False, server_default="new"),
        sa.Column("notified_at", sa.DateTime(timezone=True)),
        sa.Column("notify_error", sa.Text),
    )
    op.create_index(
        "ix_crisis_flags_conversation_id", "crisis_flags", ["conversation_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_crisis_flags_conversation_id", "crisis_flags")
    op.drop_table("crisis_flags")
