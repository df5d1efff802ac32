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

booking_requests = Table(
    "booking_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    # What the visitor reads out on the phone; staff look requests up by it.
    Column("reference", String(16), nullable=False, unique=True, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("conversation_id", String(255), nullable=False, index=True),
    Column("first_name", String(80)),
    # Staff cannot answer a request without a way to reach the visitor: required.
    Column("contact_kind", String(8), nullable=False),  # "phone" or "email"
    Column("contact", String(320), nullable=False),  # E.164 phone or email address
    Column("preferred_days", String(120)),
    Column("preferred_time", String(60)),
    Column("hopes", Text),
    # When the visitor agreed to be contacted: the record of their consent.
    Column("consent_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False, default="new"),
    Column("status_changed_at", DateTime(timezone=True)),
    Column("staff_note", Text),
    Column("notified_at", DateTime(timezone=True)),
    Column("notify_error", Text),
)

handoff_tickets = Table(
    "handoff_tickets",
    metadata,
    Column("id", Integer, primary_key=True),
    # What the visitor reads out on the phone; staff look tickets up by it.
    Column("reference", String(16), nullable=False, unique=True, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("conversation_id", String(255), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # "callback" or "live"
    Column("reason", String(32), nullable=False),  # why the visitor wants a person
    Column("status", String(16), nullable=False, default="new"),
    # A live ticket (staff joined the chat) has no contact details: all optional.
    Column("first_name", String(80)),
    Column("contact_kind", String(8)),  # "phone" or "email"
    Column("contact", String(320)),  # E.164 phone or email address
    Column("message", Text),
    Column("assigned_to", String(80)),
    Column("status_changed_at", DateTime(timezone=True)),
    Column("staff_note", Text),
    Column("notified_at", DateTime(timezone=True)),
    Column("notify_error", Text),
)
