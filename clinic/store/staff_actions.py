"""An audit trail: which staff member did what in the console, and when."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from clinic.store.models import staff_actions
from clinic.store.rows import row_in_utc


def record_staff_action(
    engine: Engine, username: str, action: str, target: str = "", detail: str = ""
) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(staff_actions).values(
                created_at=datetime.now(timezone.utc),
                username=username,
                action=action[:40],
                target=target[:255],
                detail=detail or None,
            )
        )


def recent_staff_actions(engine: Engine, limit: int = 200) -> list[dict[str, Any]]:
    query = (
        select(staff_actions)
        .order_by(staff_actions.c.created_at.desc(), staff_actions.c.id.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        return [
            row_in_utc(row._mapping, ("created_at",))
            for row in connection.execute(query)
        ]
