"""Crisis flags: the flag whose staff alert covers this one. Repeated flags from
one conversation within minutes send one alert (issue 24); each is still stored.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "crisis_flags", sa.Column("alerted_with", sa.String(16), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("crisis_flags", "alerted_with")
