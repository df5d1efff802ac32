"""Crisis flags: a durable record of every conversation where a crisis was detected."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine

from clinic.store.models import crisis_flags
from clinic.store.references import new_code

MAX_STORED_MESSAGE = 5000
REFERENCE_PREFIX = "CF-"


def new_flag_reference() -> str:
    return new_code(REFERENCE_PREFIX)


@dataclass(frozen=True)
class CrisisFlag:
    conversation_id: str
    message: str
    detection: str = ""
    categories: tuple[str, ...] = ()
    # Drawn when the crisis is seen, before any write, so that the staff alert
    # and a flag kept aside while the database is down name the same flag.
    reference: str = field(default_factory=new_flag_reference)
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


def record_crisis_flag(engine: Engine, flag: CrisisFlag) -> int:
    """Stores the flag and returns its id; raises if the database cannot be written."""
    with engine.begin() as connection:
        result = connection.execute(
            insert(crisis_flags).values(
                created_at=flag.created_at,
                conversation_id=flag.conversation_id,
                message=flag.message[:MAX_STORED_MESSAGE],
                detection=flag.detection,
                categories=",".join(flag.categories),
                status="new",
                reference=flag.reference,
            )
        )
        return int(result.inserted_primary_key[0])


def covering_alert(
    engine: Engine, flag: CrisisFlag, flag_id: int, window: timedelta
) -> str | None:
    """The reference of an earlier flag of the same conversation, at most
    `window` before this one, whose staff alert covers this flag: it sent one (or
    is sending it) and that alert has not failed. When there is one, this flag is
    marked as covered by it and no alert of its own goes out; otherwise None.

    The earlier flag is the one with the lower id, so of two flags written at
    the same moment the first always alerts."""
    query = (
        select(crisis_flags.c.reference)
        .where(
            crisis_flags.c.conversation_id == flag.conversation_id,
            crisis_flags.c.id < flag_id,
            crisis_flags.c.created_at >= flag.created_at - window,
            crisis_flags.c.alerted_with.is_(None),
            crisis_flags.c.notify_error.is_(None),
        )
        .order_by(crisis_flags.c.id.desc())
        .limit(1)
    )
    with engine.begin() as connection:
        covering = connection.execute(query).scalar()
        if covering is not None:
            connection.execute(
                update(crisis_flags)
                .where(crisis_flags.c.id == flag_id)
                .values(alerted_with=covering)
            )
    return covering


def stored_references(engine: Engine, references: list[str]) -> set[str]:
    """Those of `references` that already have a row."""
    query = select(crisis_flags.c.reference).where(
        crisis_flags.c.reference.in_(references)
    )
    with engine.connect() as connection:
        return {row[0] for row in connection.execute(query)}


def mark_notification(
    engine: Engine, reference: str, error: str | None, at: datetime | None = None
) -> bool:
    """Records how the staff alert of flag `reference` went (at `at`, by default
    now); False if there is no such row."""
    with engine.begin() as connection:
        result = connection.execute(
            update(crisis_flags)
            .where(crisis_flags.c.reference == reference)
            .values(**notification_values(error, at))
        )
    return result.rowcount > 0


def notification_values(
    error: str | None, at: datetime | None = None
) -> dict[str, Any]:
    if error is None:
        return {"notify_error": None, "notified_at": at or datetime.now(timezone.utc)}
    return {"notify_error": error}


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
            .values(status=status, reviewed_at=_reviewed_at(status))
        )
    return result.rowcount > 0


def _reviewed_at(status: str) -> Any:
    """The first review's time stays when a reviewed flag is marked reviewed
    again; marked new again, a flag has not been reviewed."""
    if status != "reviewed":
        return None
    return func.coalesce(crisis_flags.c.reviewed_at, datetime.now(timezone.utc))
