"""What booking requests and handoff tickets share as records staff work through:
found by reference, listed oldest first, a status staff set, and a note of
whether the staff notification went out. Each table's module adds its own fields
and rules (clinic/store/booking_requests.py, clinic/store/handoff_tickets.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Table, case, select, update
from sqlalchemy.engine import Engine

from clinic.store import references
from clinic.store.rows import row_in_utc


def known(what: str, value: str, allowed: tuple[str, ...]) -> str:
    """``value`` when it is one of ``allowed``; a ValueError naming them otherwise."""
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; expected one of {allowed}")
    return value


@dataclass(frozen=True)
class RecordTable:
    table: Table
    prefix: str  # of its references: "BK-", "CB-"
    statuses: tuple[str, ...]
    datetime_columns: tuple[str, ...]

    def canonical(self, reference: str) -> str:
        """The stored form of a reference as staff may type it: any case, spaces
        or dashes, with or without the prefix."""
        return references.canonical(reference, self.prefix)

    def new_reference(self) -> str:
        """A short code visitors can read out on the phone, e.g. ``BK-7KQ3XZ``."""
        return references.new_code(self.prefix)

    def get(self, engine: Engine, reference: str) -> dict[str, Any] | None:
        query = select(self.table).where(
            self.table.c.reference == self.canonical(reference)
        )
        with engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else row_in_utc(row._mapping, self.datetime_columns)

    def list(self, engine: Engine, **equal_to: str | None) -> list[dict[str, Any]]:
        """Records oldest first (the order staff should answer them in), where
        each given column equals its value (None: any)."""
        query = select(self.table).order_by(self.table.c.created_at, self.table.c.id)
        for column, value in equal_to.items():
            if value is not None:
                query = query.where(self.table.c[column] == value)
        with engine.connect() as connection:
            return [
                row_in_utc(row._mapping, self.datetime_columns)
                for row in connection.execute(query)
            ]

    def set_status(
        self,
        engine: Engine,
        reference: str,
        status: str,
        note: str | None = None,
        **more: Any,
    ) -> bool:
        """Sets the status (and the staff note, when one is given, and any
        ``more`` columns); False when there is no such record. status_changed_at
        moves only when the status does."""
        values: dict[str, Any] = {
            "status": known("status", status, self.statuses),
            # The right-hand side sees the row as it was before this update.
            "status_changed_at": case(
                (self.table.c.status == status, self.table.c.status_changed_at),
                else_=datetime.now(timezone.utc),
            ),
            **more,
        }
        if note is not None:
            values["staff_note"] = note
        return self._update(engine, reference, values)

    def mark_notification(
        self, engine: Engine, reference: str, error: str | None
    ) -> None:
        """Whether the staff notification about this record went out."""
        values: dict[str, Any] = {"notify_error": error}
        if error is None:
            values["notified_at"] = datetime.now(timezone.utc)
        self._update(engine, reference, values)

    def _update(self, engine: Engine, reference: str, values: dict[str, Any]) -> bool:
        with engine.begin() as connection:
            result = connection.execute(
                update(self.table)
                .where(self.table.c.reference == self.canonical(reference))
                .values(**values)
            )
        return result.rowcount > 0
