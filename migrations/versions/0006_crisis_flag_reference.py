"""Crisis flags get a reference drawn before they are stored, so the staff alert
and a flag kept aside while the database was down name the same flag.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crisis_flags") as batch:
        batch.add_column(sa.Column("reference", sa.String(16)))
    op.create_index(
        "ix_crisis_flags_reference", "crisis_flags", ["reference"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_crisis_flags_reference", "crisis_flags")
    with op.batch_alter_table("crisis_flags") as batch:
        batch.drop_column("reference")
