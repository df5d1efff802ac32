"""Handoff tickets: a durable record of every visitor who asked for a person, for
staff to work through with ``python -m clinic.handoff.cli``.

A "callback" ticket holds what the assistant collected when nobody was free (a
first name, a phone number or email, a message); a "live" ticket is one a staff
member joins in the chat. Both share one table, references and statuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from clinic.store import references
from clinic.store.models import handoff_tickets
from clinic.store.rows import row_in_utc
from clinic.store.staff_records import RecordTable, known

KINDS = ("callback", "live")
REASONS = ("visitor_asked", "misunderstood", "after_crisis", "booking_failed")
STATUSES = ("new", "assigned", "contacted", "closed")
CONTACT_KINDS = ("phone", "email")

REFERENCE_PREFIX = "CB-"

# Longer text is cut to fit rather than lost: PostgreSQL would refuse it,
# SQLite would keep it, and a ticket should be stored the same way on both.
FIELD_LIMITS = {"first_name": 80, "contact": 320, "message": 1000, "assigned_to": 80}
DATETIME_COLUMNS = (
    "created_at",
    "status_changed_at",
    "notified_at",
    "assigned_at",
    "closed_at",
)
TICKETS = RecordTable(handoff_tickets, REFERENCE_PREFIX, STATUSES, DATETIME_COLUMNS)


@dataclass(frozen=True)
class HandoffTicket:
    conversation_id: str
    kind: str  # one of KINDS
    reason: str  # one of REASONS
    # Empty when not collected (always, for a live ticket); stored as NULL.
    first_name: str = ""
    contact_kind: str = ""  # "phone" or "email"
    contact: str = ""  # validated E.164 phone number or email address
    message: str = ""


def new_ticket_reference() -> str:
    """A short code visitors can read out on the phone, e.g. ``CB-7KQ3XZ``."""
    return TICKETS.new_reference()


def canonical_ticket_reference(reference: str) -> str:
    """The stored form of a reference as staff may type it: any case, spaces or
    dashes, with or without the ``CB-`` prefix."""
    return TICKETS.canonical(reference)


def store_handoff_ticket(engine: Engine, ticket: HandoffTicket) -> str:
    """Stores the ticket and returns its reference; raises if it was not stored.

    An unknown kind, reason or contact kind is a ValueError before anything is
    written; a taken reference is replaced by a fresh one; any other database
    error propagates so the visitor can be told nothing was saved.
    """
    row = _row(ticket)
    # new_ticket_reference is looked up per call, so tests can substitute it.
    return references.insert_with_fresh_reference(
        engine,
        handoff_tickets,
        lambda: {**row, "created_at": datetime.now(timezone.utc)},
        new_ticket_reference,
    )


def _row(ticket: HandoffTicket) -> dict[str, Any]:
    known("kind", ticket.kind, KINDS)
    known("reason", ticket.reason, REASONS)
    if ticket.contact_kind:
        known("contact kind", ticket.contact_kind, CONTACT_KINDS)
    return {
        "conversation_id": ticket.conversation_id,
        "kind": ticket.kind,
        "reason": ticket.reason,
        "status": "new",
        "first_name": _fit("first_name", ticket.first_name),
        "contact_kind": ticket.contact_kind or None,
        "contact": _fit("contact", ticket.contact),
        "message": _fit("message", ticket.message),
    }


def _fit(column: str, value: str | None) -> str | None:
    return value[: FIELD_LIMITS[column]] if value else None


def mark_ticket_notification(engine: Engine, reference: str, error: str | None) -> None:
    TICKETS.mark_notification(engine, reference, error)


def list_handoff_tickets(
    engine: Engine, status: str | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    """Tickets oldest first (the order staff should answer them in)."""
    if status is not None:
        known("status", status, STATUSES)
    if kind is not None:
        known("kind", kind, KINDS)
    return TICKETS.list(engine, status=status, kind=kind)


def get_handoff_ticket(engine: Engine, reference: str) -> dict[str, Any] | None:
    return TICKETS.get(engine, reference)


def set_ticket_status(
    engine: Engine,
    reference: str,
    status: str,
    note: str | None = None,
    assigned_to: str | None = None,
) -> bool:
    """Sets the status (and the staff note and assignee, when given; an empty
    assignee clears it); False when there is no such ticket. status_changed_at
    moves only when the status does."""
    more = (
        {} if assigned_to is None else {"assigned_to": _fit("assigned_to", assigned_to)}
    )
    return TICKETS.set_status(engine, reference, status, note, **more)


# How a live ticket ended.
OUTCOMES = ("handed_back", "closed_by_staff", "ended_by_visitor", "timed_out")


def assign_live_ticket(engine: Engine, reference: str, username: str) -> bool:
    """Gives a waiting live ticket to a staff member; False if someone else (or
    the time-out) got there first."""
    now = datetime.now(timezone.utc)
    return _move_live_ticket(
        engine,
        reference,
        ("new",),
        status="assigned",
        assigned_to=_fit("assigned_to", username),
        assigned_at=now,
        status_changed_at=now,
    )


def close_live_ticket(engine: Engine, reference: str, outcome: str) -> bool:
    """Ends an open live ticket; False if it had already ended."""
    now = datetime.now(timezone.utc)
    return _move_live_ticket(
        engine,
        reference,
        ("new", "assigned"),
        status="closed",
        outcome=known("outcome", outcome, OUTCOMES),
        closed_at=now,
        status_changed_at=now,
    )


def _move_live_ticket(
    engine: Engine, reference: str, from_statuses: tuple[str, ...], **values: Any
) -> bool:
    """One atomic update, only from `from_statuses`: of two staff members (or a
    staff member and the time-out) acting at once, exactly one succeeds."""
    with engine.begin() as connection:
        result = connection.execute(
            update(handoff_tickets)
            .where(
                handoff_tickets.c.reference == canonical_ticket_reference(reference),
                handoff_tickets.c.kind == "live",
                handoff_tickets.c.status.in_(from_statuses),
            )
            .values(**values)
        )
    return result.rowcount > 0


def open_live_ticket(engine: Engine, conversation_id: str) -> dict[str, Any] | None:
    """The conversation's live ticket that is waiting or being handled, if any."""
    query = (
        select(handoff_tickets)
        .where(
            handoff_tickets.c.conversation_id == conversation_id,
            handoff_tickets.c.kind == "live",
            handoff_tickets.c.status.in_(("new", "assigned")),
        )
        .order_by(handoff_tickets.c.created_at.desc())
    )
    with engine.connect() as connection:
        row = connection.execute(query).first()
    return None if row is None else row_in_utc(row._mapping, DATETIME_COLUMNS)


def unanswered_live_tickets(engine: Engine, waiting_since: datetime) -> list[str]:
    """References of live tickets nobody took, created before `waiting_since`."""
    query = select(handoff_tickets.c.reference).where(
        handoff_tickets.c.kind == "live",
        handoff_tickets.c.status == "new",
        handoff_tickets.c.created_at < waiting_since,
    )
    with engine.connect() as connection:
        return [row.reference for row in connection.execute(query)]
