"""Rows as plain dicts, with times in UTC on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any


def as_utc(value: datetime) -> datetime:
    # SQLite keeps no time zone: everything is written in UTC, so naive means UTC.
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def row_in_utc(mapping: Any, datetime_columns: Iterable[str]) -> dict[str, Any]:
    row = dict(mapping)
    for column in datetime_columns:
        if row[column] is not None:
            row[column] = as_utc(row[column])
    return row
