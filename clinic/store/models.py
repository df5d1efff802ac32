"""Tables of the clinic's own records (the tracker store's tables are Rasa's)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text

metadata = MetaData()

crisis_flags = Table(
    "crisis_flags",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("conversation_id", String(255), nullable=False, index=True),
    Column("message", Text, nullable=False),
    Column("detection", String(32), nullable=False, default=""),
    Column("categories", String(255), nullable=False, default=""),
    Column("status", String(16), nullable=False, default="new"),
    Column("notified_at", DateTime(timezone=True)),
    Column("notify_error", Text),
)
