"""Staff console: accounts, sign-in sessions, ticket messages and notes, an audit
trail of staff actions, and how a live ticket ended.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("display_name", sa.String(80), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True)),
        sa.Column("available", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("last_seen_at", sa.DateTime(timezone=True)),
    )
    op.create_index(
        "ix_staff_accounts_username", "staff_accounts", ["username"], unique=True
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_staff_sessions_token_hash", "staff_sessions", ["token_hash"], unique=True
    )
    op.create_table(
        "ticket_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ticket_reference", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_index(
        "ix_ticket_entries_ticket_reference", "ticket_entries", ["ticket_reference"]
    )
    op.create_table(
        "staff_actions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(255), nullable=False, server_default=""),
        sa.Column("detail", sa.Text),
    )
    with op.batch_alter_table("handoff_tickets") as batch:
        batch.add_column(sa.Column("assigned_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("outcome", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("handoff_tickets") as batch:
        batch.drop_column("outcome")
        batch.drop_column("closed_at")
        batch.drop_column("assigned_at")
    op.drop_table("staff_actions")
    op.drop_index("ix_ticket_entries_ticket_reference", "ticket_entries")
    op.drop_table("ticket_entries")
    op.drop_index("ix_staff_sessions_token_hash", "staff_sessions")
    op.drop_table("staff_sessions")
    op.drop_index("ix_staff_accounts_username", "staff_accounts")
    op.drop_table("staff_accounts")
