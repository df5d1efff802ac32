"""Crisis flags: a durable record of every conversation where a crisis was detected."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from clinic.store.models import crisis_flags
from clinic.store.rows import row_in_utc

MAX_STORED_MESSAGE = 5000


@dataclass(frozen=True)
class CrisisFlag:
    conversation_id: str
    message: str
    detection: str = ""
    categories: tuple[str, ...] = ()


def record_crisis_flag(engine: Engine, flag: CrisisFlag) -> int:
    """Stores the flag and returns its id; raises if the database cannot be written."""
    with engine.begin() as connection:
        result = connection.execute(
            insert(crisis_flags).values(
                created_at=datetime.now(timezone.utc),
                conversation_id=flag.conversation_id,
                message=flag.message[:MAX_STORED_MESSAGE],
                detection=flag.detection,
                categories=",".join(flag.categories),
                status="new",
            )
        )
        return int(result.inserted_primary_key[0])


def mark_notification(engine: Engine, flag_id: int, error: str | None) -> None:
    values: dict[str, Any] = {"notify_error": error}
    if error is None:
        values["notified_at"] = datetime.now(timezone.utc)
    with engine.begin() as connection:
        connection.execute(
            update(crisis_flags).where(crisis_flags.c.id == flag_id).values(**values)
        )


def list_crisis_flags(
    engine: Engine, conversation_id: str | None = None
) -> list[dict[str, Any]]:
    query = select(crisis_flags).order_by(crisis_flags.c.id)
    if conversation_id is not None:
        query = query.where(crisis_flags.c.conversation_id == conversation_id)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


FLAG_STATUSES = ("new", "reviewed")


def set_crisis_flag_status(engine: Engine, flag_id: int, status: str) -> bool:
    """Marks a flag reviewed by staff (or new again); False if there is none."""
    if status not in FLAG_STATUSES:
        raise ValueError(f"unknown status {status!r}; expected one of {FLAG_STATUSES}")
    with engine.begin() as connection:
        result = connection.execute(
            update(crisis_flags)
            .where(crisis_flags.c.id == flag_id)
            .values(status=status)
        )
    return result.rowcount > 0


def crisis_flags_since(engine: Engine, after_id: int = 0) -> list[dict[str, Any]]:
    """Flags newer than `after_id`, oldest first (for the console's live queue)."""
    query = (
        select(crisis_flags)
        .where(crisis_flags.c.id > after_id)
        .order_by(crisis_flags.c.id)
    )
    with engine.connect() as connection:
        return [
            row_in_utc(row._mapping, ("created_at", "notified_at"))
            for row in connection.execute(query)
        ]
