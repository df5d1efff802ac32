"""Failed console sign-ins, kept in the database so the limits per username and
address survive a restart and hold across console processes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sign_in_failures_at", "sign_in_failures", ["at"])
    op.create_index(
        "ix_sign_in_failures_address_at", "sign_in_failures", ["address", "at"]
    )


def downgrade() -> None:
    op.drop_index("ix_sign_in_failures_address_at", "sign_in_failures")
    op.drop_index("ix_sign_in_failures_at", "sign_in_failures")
    op.drop_table("sign_in_failures")
