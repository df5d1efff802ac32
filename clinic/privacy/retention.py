"""How long each kind of record is kept, and the purge that enforces it.

Periods come from ``retention:`` in clinic.yml (days per kind; docs/privacy.md
says why each default is what it is). A purge deletes what is past its period
across every table that holds visitors' data, in one transaction per kind, and
records what it deleted (counts only) in the staff audit trail.

Requests and tickets still open, and crisis flags nobody has reviewed, are kept
whatever their age: deleting work nobody has done would lose a visitor.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, func, inspect, select
from sqlalchemy.engine import Connection, Engine

from clinic.insights.refresh import events_deleted
from clinic.privacy.conversations import events
from clinic.store.models import (
    answer_feedback,
    booking_requests,
    crisis_flags,
    handoff_tickets,
    insight_conversations,
    insight_daily_counts,
    review_decisions,
    staff_actions,
    ticket_entries,
)
from clinic.store.staff_actions import record_staff_action

PURGE_ACTION = "purge"


class RetentionError(ValueError):
    pass


@dataclass(frozen=True)
class RetentionPeriods:
    """Days each kind of record is kept (after its last activity)."""

    conversations: int = 30
    booking_requests: int = 180
    handoff_tickets: int = 180
    crisis_flags: int = 365
    answer_feedback: int = 365
    review_decisions: int = 365
    staff_actions: int = 730
    insights: int = 730

    @classmethod
    def from_mapping(cls, section: dict[str, Any], where: str) -> RetentionPeriods:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(section) - known)
        if unknown:
            raise RetentionError(
                f"{where}: unknown kind {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )
        values = {}
        for name, days in section.items():
            if not isinstance(days, int) or isinstance(days, bool) or days < 1:
                raise RetentionError(f"{where}.{name}: a whole number of days, ≥ 1")
            values[name] = days
        return cls(**values)


def load_retention(clinic_config: Path) -> RetentionPeriods:
    content = yaml.safe_load(clinic_config.read_text(encoding="utf-8")) or {}
    section = content.get("retention") or {}
    if not isinstance(section, dict):
        raise RetentionError(f"{clinic_config}: retention must be a mapping")
    return RetentionPeriods.from_mapping(section, f"{clinic_config}: retention")


# A purge of one kind: deletes rows past the cutoff, returns how many.
Purge = Callable[[Connection, datetime], int]


def _older(table: Any, column: str, cutoff: datetime, *open_statuses: str) -> Any:
    condition = table.c[column] < cutoff
    if open_statuses:
        condition = condition & table.c.status.not_in(open_statuses)
    return condition


def _deleted(connection: Connection, statement: Any) -> int:
    return int(connection.execute(statement).rowcount or 0)


def purge_conversations(connection: Connection, cutoff: datetime) -> int:
    """Whole conversations whose last event is past the cutoff (never half of one)."""
    if not inspect(connection).has_table(events.name):
        return 0
    stale = (
        select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(func.max(events.c.timestamp) < cutoff.timestamp())
    )
    deleted = _deleted(connection, delete(events).where(events.c.sender_id.in_(stale)))
    events_deleted(connection)
    return deleted


def purge_booking_requests(connection: Connection, cutoff: datetime) -> int:
    table = booking_requests
    return _deleted(
        connection, delete(table).where(_older(table, "created_at", cutoff, "new"))
    )


def purge_handoff_tickets(connection: Connection, cutoff: datetime) -> int:
    table = handoff_tickets
    stale = select(table.c.reference).where(
        _older(table, "created_at", cutoff, "new", "assigned")
    )
    entries = _deleted(
        connection,
        delete(ticket_entries).where(ticket_entries.c.ticket_reference.in_(stale)),
    )
    tickets = _deleted(
        connection,
        delete(table).where(_older(table, "created_at", cutoff, "new", "assigned")),
    )
    return tickets + entries


def purge_crisis_flags(connection: Connection, cutoff: datetime) -> int:
    table = crisis_flags
    return _deleted(
        connection, delete(table).where(_older(table, "created_at", cutoff, "new"))
    )


def _purge_by_age(table: Any) -> Purge:
    def purge(connection: Connection, cutoff: datetime) -> int:
        return _deleted(connection, delete(table).where(table.c.created_at < cutoff))

    return purge


def purge_insights(connection: Connection, cutoff: datetime) -> int:
    """The Insights page's rows of days before the cutoff (clinic/insights/)."""
    day = cutoff.date().isoformat()
    return sum(
        _deleted(connection, delete(table).where(table.c.day < day))
        for table in (insight_conversations, insight_daily_counts)
    )


PURGES: dict[str, Purge] = {
    "conversations": purge_conversations,
    "booking_requests": purge_booking_requests,
    "handoff_tickets": purge_handoff_tickets,
    "crisis_flags": purge_crisis_flags,
    "answer_feedback": _purge_by_age(answer_feedback),
    "review_decisions": _purge_by_age(review_decisions),
    "staff_actions": _purge_by_age(staff_actions),
    "insights": purge_insights,
}


def purge(
    engine: Engine,
    periods: RetentionPeriods,
    actor: str = "system",
    now: datetime | None = None,
    dry_run: bool = False,
) -> dict[str, int]:
    """Deletes every record past its period; returns the count per kind.

    A dry run counts inside a transaction it then rolls back.
    """
    now = now or datetime.now(timezone.utc)
    counts: dict[str, int] = {}
    for kind, purge_kind in PURGES.items():
        cutoff = now - timedelta(days=getattr(periods, kind))
        with engine.connect() as connection, connection.begin() as transaction:
            counts[kind] = purge_kind(connection, cutoff)
            if dry_run:
                transaction.rollback()
    if not dry_run:
        record_staff_action(engine, actor, PURGE_ACTION, "", json.dumps(counts))
    return counts
