"""What staff decided for messages of the review queue (clinic/review/queue.py).

A message is identified by its conversation and its ``UserUttered`` event's
timestamp, stored exactly as read from Rasa's ``events`` table: both columns
are double precision, so equality holds.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from clinic.store.models import review_decisions
from clinic.store.rows import row_in_utc

DECISIONS = ("assigned", "ignored")


def record_decision(
    engine: Engine,
    conversation_id: str,
    timestamp: float,
    decision: str,
    topic: str | None,
    example: str | None,
    username: str,
) -> int:
    """Stores staff's decision on one message and returns its id."""
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}; expected one of {DECISIONS}")
    if decision == "assigned" and not topic:
        raise ValueError("an assigned message needs the topic it was assigned to")
    with engine.begin() as connection:
        result = connection.execute(
            insert(review_decisions).values(
                created_at=datetime.now(timezone.utc),
                conversation_id=conversation_id,
                message_timestamp=timestamp,
                decision=decision,
                topic=topic,
                example=example,
                username=username,
            )
        )
        return int(result.inserted_primary_key[0])


def decided(engine: Engine) -> set[tuple[str, float]]:
    """(conversation_id, message timestamp) of every message with a decision."""
    query = select(
        review_decisions.c.conversation_id, review_decisions.c.message_timestamp
    )
    with engine.connect() as connection:
        return {(str(c), float(t)) for c, t in connection.execute(query)}


def recent_decisions(engine: Engine, limit: int = 50) -> list[dict[str, Any]]:
    """The latest decisions, newest first."""
    query = select(review_decisions).order_by(review_decisions.c.id.desc()).limit(limit)
    with engine.connect() as connection:
        return [
            row_in_utc(row._mapping, ("created_at",))
            for row in connection.execute(query)
        ]
