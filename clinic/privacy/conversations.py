"""Everything stored about one visitor: found by a reference or a conversation id,
exported as one JSON document, or erased.

A visitor knows their booking (BK-…), call-back (CB-…) or crisis-flag (CF-…)
reference; staff may know the conversation id. Every row of every table that
names the conversation is covered: Rasa's conversation events, booking requests,
hand-off tickets and what staff wrote on them, crisis flags, answer ratings and
review decisions. The staff audit trail names conversations too: it is exported
(what staff did with the visitor's data is part of it) but kept on erasure, as
the record that the erasure happened (docs/privacy.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import column, delete, inspect, select, table
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import Select

from clinic.insights.refresh import events_deleted
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
from clinic.store.staff_actions import record_staff_action

# Rasa's tracker store table (rasa.core.tracker_store.SQLTrackerStore): created
# by the Rasa server, so only named here, never migrated by the clinic.
events = table(
    "events",
    column("id"),
    column("sender_id"),
    column("type_name"),
    column("timestamp"),
    column("intent_name"),
    column("action_name"),
    column("data"),
)

ERASE_ACTION = "erase_visitor_data"
EXPORT_ACTION = "export_visitor_data"
# Tables whose rows name the conversation directly.
# insight_conversations: the Insights page's row of a conversation (its day,
# booking and handoff facts), exported and erased with the rest.
BY_CONVERSATION = (
    booking_requests,
    handoff_tickets,
    crisis_flags,
    answer_feedback,
    insight_conversations,
)
WITH_REFERENCE = (booking_requests, handoff_tickets, crisis_flags)
MAX_KEY_LENGTH = 255


class UnknownVisitor(LookupError):
    """No record names this reference or conversation id."""


@dataclass(frozen=True)
class Visitor:
    key: str  # what staff typed: a reference or a conversation id
    conversation_ids: tuple[str, ...]


def _has_events(connection: Connection) -> bool:
    return inspect(connection).has_table(events.name)


def _conversations_named(connection: Connection, key: str) -> set[str]:
    found: set[str] = set()
    for each in WITH_REFERENCE:
        query = select(each.c.conversation_id).where(each.c.reference == key.upper())
        found.update(connection.execute(query).scalars())
    for each in (*BY_CONVERSATION, review_decisions):
        query = select(each.c.conversation_id).where(each.c.conversation_id == key)
        found.update(connection.execute(query.limit(1)).scalars())
    if _has_events(connection):
        query = select(events.c.sender_id).where(events.c.sender_id == key).limit(1)
        found.update(connection.execute(query).scalars())
    return found


def find_visitor(engine: Engine, key: str) -> Visitor:
    """The conversations a reference or conversation id leads to."""
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise UnknownVisitor(key)
    with engine.connect() as connection:
        found = _conversations_named(connection, key)
    if not found:
        raise UnknownVisitor(key)
    return Visitor(key, tuple(sorted(found)))


def _ticket_references(visitor: Visitor) -> Select:
    return select(handoff_tickets.c.reference).where(
        handoff_tickets.c.conversation_id.in_(visitor.conversation_ids)
    )


def _queries(connection: Connection, visitor: Visitor) -> dict[str, Select]:
    ids = visitor.conversation_ids
    queries: dict[str, Select] = {
        each.name: select(each).where(each.c.conversation_id.in_(ids))
        for each in (*BY_CONVERSATION, review_decisions)
    }
    queries[ticket_entries.name] = select(ticket_entries).where(
        ticket_entries.c.ticket_reference.in_(_ticket_references(visitor))
    )
    if _has_events(connection):
        queries[events.name] = (
            select(events).where(events.c.sender_id.in_(ids)).order_by(events.c.id)
        )
    return queries


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(mapping: Any) -> dict[str, Any]:
    row = {key: _plain(value) for key, value in dict(mapping).items()}
    if isinstance(row.get("data"), str):  # a Rasa event, stored as JSON text
        row["data"] = json.loads(row["data"])
    return row


def _audit_rows(connection: Connection, visitor: Visitor) -> list[dict[str, Any]]:
    targets = {visitor.key, *visitor.conversation_ids}
    query = (
        select(staff_actions)
        .where(staff_actions.c.target.in_(targets))
        .order_by(staff_actions.c.id)
    )
    return [_row(row._mapping) for row in connection.execute(query)]


def export_visitor(engine: Engine, visitor: Visitor, actor: str) -> dict[str, Any]:
    """Every row about the visitor, per table, as JSON-ready values."""
    with engine.connect() as connection:
        tables = {
            name: [_row(row._mapping) for row in connection.execute(query)]
            for name, query in _queries(connection, visitor).items()
        }
        tables[staff_actions.name] = _audit_rows(connection, visitor)
    record_staff_action(engine, actor, EXPORT_ACTION, visitor.key, _counts(tables))
    return {
        "key": visitor.key,
        "conversation_ids": list(visitor.conversation_ids),
        "tables": tables,
    }


def _counts(tables: dict[str, list[Any]]) -> str:
    return json.dumps({name: len(rows) for name, rows in sorted(tables.items())})


def erase_visitor(engine: Engine, visitor: Visitor, actor: str) -> dict[str, int]:
    """Deletes every row about the visitor in one transaction; returns the counts.

    The audit trail keeps one line saying who erased what key, with the counts.
    """
    ids = visitor.conversation_ids
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        counts[ticket_entries.name] = _rowcount(
            connection,
            delete(ticket_entries).where(
                ticket_entries.c.ticket_reference.in_(_ticket_references(visitor))
            ),
        )
        for each in (*BY_CONVERSATION, review_decisions):
            counts[each.name] = _rowcount(
                connection, delete(each).where(each.c.conversation_id.in_(ids))
            )
        if _has_events(connection):
            counts[events.name] = _rowcount(
                connection, delete(events).where(events.c.sender_id.in_(ids))
            )
            events_deleted(connection)
    summary = json.dumps(dict(sorted(counts.items())))
    record_staff_action(engine, actor, ERASE_ACTION, visitor.key, summary)
    return counts


def _rowcount(connection: Connection, statement: Any) -> int:
    return int(connection.execute(statement).rowcount or 0)
