"""Tables of the clinic's own records (the tracker store's tables are Rasa's)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)

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
    # Drawn before the row is written: the staff alert carries it even when the
    # database is down (clinic/crisis_spool.py).
    Column("reference", String(16), unique=True, index=True),
    # Set when no alert was sent for this flag because the alert of an earlier
    # flag of the same conversation, minutes before, covers it (its reference).
    Column("alerted_with", String(16)),
    # When a staff member marked it reviewed (the Insights page's time to review).
    Column("reviewed_at", DateTime(timezone=True)),
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
    # Live tickets: when a staff member joined, when and how it ended
    # (handed_back, closed_by_staff, ended_by_visitor, timed_out).
    Column("assigned_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("outcome", String(32)),
)

# People who sign in to the staff console (python -m clinic.console.accounts).
staff_accounts = Table(
    "staff_accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(80), nullable=False, unique=True, index=True),
    Column("display_name", String(80), nullable=False),
    Column("password_hash", String(255), nullable=False),  # argon2id
    Column("role", String(16), nullable=False),  # "staff" or "admin"
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
    # Presence: marked available in the console, and the console still open.
    Column("available", Boolean, nullable=False, server_default=false()),
    Column("last_seen_at", DateTime(timezone=True)),
)

# Signed-in browsers. Only a hash of the cookie's token is stored, so a copy of
# the database does not sign anybody in.
staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True, index=True),
    Column("account_id", Integer, nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# What staff wrote on a ticket: replies sent to the visitor and private notes.
ticket_entries = Table(
    "ticket_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_reference", String(16), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("kind", String(16), nullable=False),  # "reply" or "note"
    Column("author", String(80), nullable=False),
    Column("text", Text, nullable=False),
)

# Who did what in the console, and when.
staff_actions = Table(
    "staff_actions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("username", String(80), nullable=False),
    Column("action", String(40), nullable=False),
    Column("target", String(255), nullable=False, server_default=""),
    Column("detail", Text),
)

# Issue 7: staff keep the assistant current.

# Every accepted change to the training data or answers (data/), and by whom.
content_changes = Table(
    "content_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("username", String(80), nullable=False),
    Column("topic", String(120), nullable=False),  # "faq/cost", "greet", ...
    Column("kind", String(32), nullable=False),  # answer_edited, example_added, ...
    Column("file", String(255), nullable=False),  # relative to the project
    Column("before", Text),
    Column("after", Text),
    Column("commit", String(64)),  # the git commit, where the deployment uses git
)

# A visitor's thumbs-down (or up) on one of the assistant's answers, from the widget.
answer_feedback = Table(
    "answer_feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("conversation_id", String(255), nullable=False, index=True),
    Column("rating", String(8), nullable=False),  # "down" or "up"
    Column("bot_text", Text, nullable=False),  # the answer the visitor rated
)

# What staff decided for a message in the review queue. A message is the user
# event of a conversation at a timestamp (Rasa's events have no other id).
review_decisions = Table(
    "review_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("conversation_id", String(255), nullable=False, index=True),
    Column("message_timestamp", Float, nullable=False),
    Column("decision", String(16), nullable=False),  # "assigned" or "ignored"
    Column("topic", String(120)),
    Column("example", Text),  # the scrubbed text that became an example
    Column("username", String(80), nullable=False),
)

# Candidate models trained from the console or `make retrain`, and the gate's verdict.
training_runs = Table(
    "training_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_by", String(80), nullable=False),
    # queued, training, evaluating, deploying, deployed, refused, failed
    Column("status", String(16), nullable=False),
    Column("progress", Text),  # the latest step, in words
    Column("finished_at", DateTime(timezone=True)),
    Column("candidate_model", String(512)),
    Column("live_model", String(512)),  # the model serving when the run started
    Column("report", Text),  # JSON: both models' figures and what regressed
    Column("error", Text),
)

# Which model was put live, when, by whom, and the one it replaced (for rollback).
model_deployments = Table(
    "model_deployments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("username", String(80), nullable=False),
    Column("model_path", String(512), nullable=False),
    Column("previous_model_path", String(512)),
    Column("kind", String(16), nullable=False),  # "gate" or "rollback"
    Column("training_run_id", Integer),
)

# Failed console sign-ins, for the limits per username and address
# (clinic/store/sign_in_failures.py): in the database so they survive a restart
# and every console process sees them; rows older than the window are deleted.
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False),
    Column("address", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Index("ix_sign_in_failures_address_at", "address", "at"),
)

# The Insights page (clinic/insights/): figures folded in from Rasa's events as
# they arrive, so that a year of conversations is summed from a few thousand rows.

# One row per conversation: where it started (the clinic's local day) and what
# happened in it. ``form`` and ``handoff_state`` carry the state between refreshes.
insight_conversations = Table(
    "insight_conversations",
    metadata,
    Column("conversation_id", String(255), primary_key=True),
    Column("day", String(10), nullable=False, index=True),  # YYYY-MM-DD, local
    Column("messages", Integer, nullable=False, default=0),
    Column("booking_offered", Boolean, nullable=False, default=False),
    Column("booking_started", Boolean, nullable=False, default=False),
    Column("booking_question", String(64)),  # the last question the form asked
    Column("handoff_requested", Boolean, nullable=False, default=False),
    Column("form", String(64)),
    Column("handoff_state", String(32)),
)

# Counts per local day: visitor messages, topics, fallbacks, ratings, and the
# scrubbed unrecognised messages (metric, key) → count.
insight_daily_counts = Table(
    "insight_daily_counts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("day", String(10), nullable=False),
    Column("metric", String(32), nullable=False),
    Column("key", String(255), nullable=False, default=""),
    Column("count", Integer, nullable=False, default=0),
    Index(
        "ix_insight_daily_counts_day_metric_key", "day", "metric", "key", unique=True
    ),
)

# How far the figures go: the last event and the last rating folded in.
insight_progress = Table(
    "insight_progress",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("last_event_id", Integer, nullable=False, default=0),
    Column("last_feedback_id", Integer, nullable=False, default=0),
    Column("timezone", String(64), nullable=False, default=""),
)
