"""What staff write on a ticket: replies sent to the visitor and private notes."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from clinic.store.handoff_tickets import canonical_ticket_reference
from clinic.store.models import ticket_entries
from clinic.store.rows import row_in_utc

KINDS = ("reply", "note")
MAX_TEXT = 4000


def add_ticket_entry(
    engine: Engine, reference: str, kind: str, author: str, text: str
) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown entry kind {kind!r}")
    with engine.begin() as connection:
        connection.execute(
            insert(ticket_entries).values(
                ticket_reference=canonical_ticket_reference(reference),
                created_at=datetime.now(timezone.utc),
                kind=kind,
                author=author[:80],
                text=text[:MAX_TEXT],
            )
        )


def list_ticket_entries(engine: Engine, reference: str) -> list[dict[str, Any]]:
    query = (
        select(ticket_entries)
        .where(
            ticket_entries.c.ticket_reference == canonical_ticket_reference(reference)
        )
        .order_by(ticket_entries.c.created_at, ticket_entries.c.id)
    )
    with engine.connect() as connection:
        return [
            row_in_utc(row._mapping, ("created_at",))
            for row in connection.execute(query)
        ]
