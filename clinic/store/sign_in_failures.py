"""Limits on failed console sign-ins (issue 24, item 5).

Counted in the database, so a restart forgets nothing and every console process
shares them, and bounded: usernames and addresses are cut to 64 characters and
rows older than the window are deleted as new ones come in.

- Per username *and* address: after ``PAIR_LIMIT`` failures the pair waits out
  the window. The right password from another address still signs in, so
  nobody can keep a nurse locked out by failing on purpose.
- Per address: after ``ADDRESS_LIMIT`` failures, whatever the usernames, that
  address waits out the window (one address trying many usernames).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Engine

from clinic.store.models import sign_in_failures

FIELD_CHARS = 64


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class SignInLimits:
    pair_limit: int = 5
    address_limit: int = 20
    window: timedelta = timedelta(minutes=15)

    def blocked(self, engine: Engine, username: str, address: str) -> bool:
        since = _now() - self.window
        table = sign_in_failures
        recent = select(func.count()).select_from(table).where(table.c.at >= since)
        with engine.connect() as connection:
            by_address = connection.scalar(
                recent.where(table.c.address == address[:FIELD_CHARS])
            )
            by_pair = connection.scalar(
                recent.where(
                    table.c.address == address[:FIELD_CHARS],
                    table.c.username == username[:FIELD_CHARS],
                )
            )
        return (by_pair or 0) >= self.pair_limit or (
            by_address or 0
        ) >= self.address_limit

    def failed(self, engine: Engine, username: str, address: str) -> None:
        now = _now()
        with engine.begin() as connection:
            expired = sign_in_failures.c.at < now - self.window
            connection.execute(delete(sign_in_failures).where(expired))
            connection.execute(
                insert(sign_in_failures).values(
                    username=username[:FIELD_CHARS],
                    address=address[:FIELD_CHARS],
                    at=now,
                )
            )

    def succeeded(self, engine: Engine, username: str, address: str) -> None:
        """A right password clears that pair's failures (not the address's)."""
        with engine.begin() as connection:
            connection.execute(
                delete(sign_in_failures).where(
                    sign_in_failures.c.username == username[:FIELD_CHARS],
                    sign_in_failures.c.address == address[:FIELD_CHARS],
                )
            )
