"""Booking requests: a durable record of every visitor who asked to be contacted
about a consultation, for staff to work through with ``python -m clinic.booking.cli``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TextIO

from sqlalchemy.engine import Engine

from clinic.store import references
from clinic.store.models import booking_requests
from clinic.store.rows import as_utc
from clinic.store.staff_records import RecordTable, known

STATUSES = ("new", "contacted", "closed")

REFERENCE_PREFIX = "BK-"
# Kept as names of this module for its callers; clinic.store.references owns them.
REFERENCE_LENGTH = references.REFERENCE_LENGTH
REFERENCE_ALPHABET = references.REFERENCE_ALPHABET
MAX_STORE_ATTEMPTS = references.MAX_STORE_ATTEMPTS

# Longer free text is cut to fit rather than lost: PostgreSQL would refuse it,
# SQLite would keep it, and a request should be stored the same way on both.
FIELD_LIMITS = {"first_name": 80, "preferred_days": 120, "preferred_time": 60}

CSV_COLUMNS = (
    "reference",
    "created_at",
    "status",
    "first_name",
    "contact_kind",
    "contact",
    "preferred_days",
    "preferred_time",
    "hopes",
    "consent_at",
    "status_changed_at",
    "staff_note",
)
FREE_TEXT_COLUMNS = frozenset(
    {"first_name", "preferred_days", "preferred_time", "hopes", "staff_note"}
)
DATETIME_COLUMNS = ("created_at", "consent_at", "status_changed_at", "notified_at")
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
E164_PHONE = re.compile(r"\+[1-9][0-9]{6,14}")
BOOKINGS = RecordTable(booking_requests, REFERENCE_PREFIX, STATUSES, DATETIME_COLUMNS)


@dataclass(frozen=True)
class BookingRequest:
    conversation_id: str
    first_name: str
    contact_kind: str  # "phone" or "email"
    contact: str  # validated E.164 phone number or email address
    preferred_days: str
    preferred_time: str
    hopes: str
    consent_at: datetime  # timezone-aware; a naive value is taken as UTC


def new_reference() -> str:
    """A short code visitors can read out on the phone, e.g. ``BK-7KQ3XZ``."""
    return BOOKINGS.new_reference()


def canonical_reference(reference: str) -> str:
    """The stored form of a reference as staff may type it: any case, spaces or
    dashes, with or without the ``BK-`` prefix."""
    return BOOKINGS.canonical(reference)


def store_booking_request(engine: Engine, request: BookingRequest) -> str:
    """Stores the request and returns its reference; raises if it was not stored.

    A new reference is drawn when the first one is already taken; any other
    database error propagates so the visitor can be told nothing was saved.
    """
    # new_reference is looked up per call, so tests can substitute it.
    return references.insert_with_fresh_reference(
        engine, booking_requests, lambda: _row(request), new_reference
    )


def _row(request: BookingRequest) -> dict[str, Any]:
    return {
        "created_at": datetime.now(timezone.utc),
        "conversation_id": request.conversation_id,
        "first_name": _fit("first_name", request.first_name),
        "contact_kind": request.contact_kind,
        "contact": request.contact,
        "preferred_days": _fit("preferred_days", request.preferred_days),
        "preferred_time": _fit("preferred_time", request.preferred_time),
        "hopes": request.hopes,
        "consent_at": as_utc(request.consent_at),
        "status": "new",
    }


def _fit(column: str, value: str | None) -> str | None:
    return None if value is None else value[: FIELD_LIMITS[column]]


def mark_booking_notification(
    engine: Engine, reference: str, error: str | None
) -> None:
    BOOKINGS.mark_notification(engine, reference, error)


def list_booking_requests(
    engine: Engine, status: str | None = None
) -> list[dict[str, Any]]:
    """Requests oldest first (the order staff should answer them in)."""
    if status is not None:
        known("status", status, STATUSES)
    return BOOKINGS.list(engine, status=status)


def get_booking_request(engine: Engine, reference: str) -> dict[str, Any] | None:
    return BOOKINGS.get(engine, reference)


def set_booking_status(
    engine: Engine, reference: str, status: str, note: str | None = None
) -> bool:
    """Sets the status (and the staff note, when one is given); False when there
    is no such request. status_changed_at moves only when the status does."""
    return BOOKINGS.set_status(engine, reference, status, note)


def export_booking_requests_csv(
    engine: Engine, out: TextIO, status: str | None = None
) -> int:
    """Writes the requests as CSV for a spreadsheet; returns how many rows.

    Visitors typed the free text, so a value a spreadsheet would run as a
    formula is written with a leading quote instead.
    """
    rows = list_booking_requests(engine, status)
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_row(row) for row in rows)
    return len(rows)


def _csv_row(row: dict[str, Any]) -> list[str]:
    return [_csv_value(column, row) for column in CSV_COLUMNS]


def _csv_value(column: str, row: dict[str, Any]) -> str:
    value = row[column]
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    text = str(value)
    if column == "contact" and E164_PHONE.fullmatch(text):
        return text  # a phone number's leading "+" is not a formula
    if column in FREE_TEXT_COLUMNS or column == "contact":
        return defused(text)
    return text


def defused(text: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text
