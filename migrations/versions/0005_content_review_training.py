"""Staff keep the assistant current: content changes, visitors' feedback on
answers, review decisions, training runs and model deployments.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "content_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("topic", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("file", sa.String(255), nullable=False),
        sa.Column("before", sa.Text),
        sa.Column("after", sa.Text),
        sa.Column("commit", sa.String(64)),
    )
    op.create_table(
        "answer_feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("rating", sa.String(8), nullable=False),
        sa.Column("bot_text", sa.Text, nullable=False),
    )
    op.create_index(
        "ix_answer_feedback_conversation_id", "answer_feedback", ["conversation_id"]
    )
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("message_timestamp", sa.Float, nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(120)),
        sa.Column("example", sa.Text),
        sa.Column("username", sa.String(80), nullable=False),
    )
    op.create_index(
        "ix_review_decisions_conversation_id", "review_decisions", ["conversation_id"]
    )
    op.create_table(
        "training_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(80), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.Text),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("candidate_model", sa.String(512)),
        sa.Column("live_model", sa.String(512)),
        sa.Column("report", sa.Text),
        sa.Column("error", sa.Text),
    )
    op.create_table(
        "model_deployments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("model_path", sa.String(512), nullable=False),
        sa.Column("previous_model_path", sa.String(512)),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("training_run_id", sa.Integer),
    )


def downgrade() -> None:
    for table in (
        "model_deployments",
        "training_runs",
        "review_decisions",
        "answer_feedback",
        "content_changes",
    ):
        op.drop_table(table)
