"""Handoff tickets: visitors who asked for a person, for staff to call back or join.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Only adds a table: crisis_flags, booking_requests and their rows are left
    # as they are.
    op.create_table(
        "handoff_tickets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="new"),
        sa.Column("first_name", sa.String(80)),
        sa.Column("contact_kind", sa.String(8)),
        sa.Column("contact", sa.String(320)),
        sa.Column("message", sa.Text),
        sa.Column("assigned_to", sa.String(80)),
        sa.Column("status_changed_at", sa.DateTime(timezone=True)),
        sa.Column("staff_note", sa.Text),
        sa.Column("notified_at", sa.DateTime(timezone=True)),
        sa.Column("notify_error", sa.Text),
    )
    op.create_index(
        "ix_handoff_tickets_reference", "handoff_tickets", ["reference"], unique=True
    )
    op.create_index(
        "ix_handoff_tickets_conversation_id", "handoff_tickets", ["conversation_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_handoff_tickets_conversation_id", "handoff_tickets")
    op.drop_index("ix_handoff_tickets_reference", "handoff_tickets")
    op.drop_table("handoff_tickets")
