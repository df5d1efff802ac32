"""A database holding one of every record about two visitors, on SQLite and
PostgreSQL: Rasa's own events table beside the clinic's migrated tables."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from clinic.store.models import (
    answer_feedback,
    booking_requests,
    crisis_flags,
    handoff_tickets,
    insight_conversations,
    review_decisions,
    staff_actions,
    ticket_entries,
)
from clinic.store.references import new_code

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)

Seed = Callable[..., None]


@pytest.fixture
def records(engine: Engine) -> Engine:
    """The engine, with Rasa's tracker store table created as the server does."""
    SQLTrackerStore.Base.metadata.create_all(engine)
    return engine


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def seed_visitor(
    engine: Engine, conversation_id: str, age_days: float, status: str = "closed"
) -> dict[str, str]:
    """One row in every table about ``conversation_id``, all ``age_days`` old.

    Returns the references drawn, by kind.
    """
    when = days_ago(age_days)
    prefixes = {"booking": "BK-", "ticket": "CB-", "flag": "CF-"}
    refs = {kind: new_code(prefix) for kind, prefix in prefixes.items()}
    rows: list[tuple[Any, dict[str, Any]]] = [
        (
            booking_requests,
            dict(
                reference=refs["booking"],
                created_at=when,
                conversation_id=conversation_id,
                first_name="Sam",
                contact_kind="phone",
                contact="+12025550143",
                consent_at=when,
                status=status,
            ),
        ),
        (
            handoff_tickets,
            dict(
                reference=refs["ticket"],
                created_at=when,
                conversation_id=conversation_id,
                kind="callback",
                reason="question",
                status=status,
                contact_kind="email",
                contact="sam@example.org",
                message="please call me about the cost",
            ),
        ),
        (
            ticket_entries,
            dict(
                ticket_reference=refs["ticket"],
                created_at=when,
                kind="note",
                author="dana",
                text="called back, left a message",
            ),
        ),
        (
            crisis_flags,
            dict(
                reference=refs["flag"],
                created_at=when,
                conversation_id=conversation_id,
                message="i want to end it",
                status="reviewed" if status == "closed" else "new",
            ),
        ),
        (
            answer_feedback,
            dict(
                created_at=when,
                conversation_id=conversation_id,
                rating="down",
                bot_text="An answer",
            ),
        ),
        (
            insight_conversations,
            dict(conversation_id=conversation_id, day=when.date().isoformat()),
        ),
        (
            review_decisions,
            dict(
                created_at=when,
                conversation_id=conversation_id,
                message_timestamp=when.timestamp(),
                decision="ignored",
                username="dana",
            ),
        ),
        (
            staff_actions,
            dict(
                created_at=when,
                username="dana",
                action="read_conversation",
                target=conversation_id,
            ),
        ),
    ]
    events = SQLTrackerStore.SQLEvent.__table__
    for offset, text in enumerate(("hello", "my number is 202 555 0143")):
        data = {"event": "user", "text": text, "timestamp": when.timestamp() + offset}
        rows.append(
            (
                events,
                dict(
                    sender_id=conversation_id,
                    type_name="user",
                    timestamp=when.timestamp() + offset,
                    data=json.dumps(data),
                ),
            )
        )
    with engine.begin() as connection:
        for table, values in rows:
            if (
                table is insight_conversations
                and connection.execute(
                    select(table).where(table.c.conversation_id == conversation_id)
                ).first()
            ):
                continue  # one row per conversation, however often it came back
            connection.execute(insert(table).values(**values))
    return refs
