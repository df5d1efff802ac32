"""Consultation booking requests for staff to call or email back.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Only adds a table: crisis_flags and its rows are left as they are.
    op.create_table(
        "booking_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("first_name", sa.String(80)),
        sa.Column("contact_kind", sa.String(8), nullable=False),
        sa.Column("contact", sa.String(320), nullable=False),
        sa.Column("preferred_days", sa.String(120)),
        sa.Column("preferred_time", sa.String(60)),
        sa.Column("hopes", sa.Text),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="new"),
        sa.Column("status_changed_at", sa.DateTime(timezone=True)),
        sa.Column("staff_note", sa.Text),
        sa.Column("notified_at", sa.DateTime(timezone=True)),
        sa.Column("notify_error", sa.Text),
    )
    op.create_index(
        "ix_booking_requests_reference",
        "booking_requests",
        ["reference"],
        unique=True,
    )
    op.create_index(
        "ix_booking_requests_conversation_id", "booking_requests", ["conversation_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_booking_requests_conversation_id", "booking_requests")
    op.drop_index("ix_booking_requests_reference", "booking_requests")
    op.drop_table("booking_requests")
