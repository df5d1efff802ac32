"""Short references visitors read out on the phone (``BK-7KQ3XZ``, ``CB-4HN9TE``),
shared by every table staff look records up in."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

REFERENCE_LENGTH = 6
# Read out over the phone, so no characters that sound or look alike (0/O, 1/I/L).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MAX_STORE_ATTEMPTS = 5


def new_code(prefix: str) -> str:
    """``prefix`` followed by a random code, e.g. ``BK-7KQ3XZ`` for ``BK-``."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return prefix + code


def canonical(reference: str, prefix: str) -> str:
    """The stored form of a reference as staff may type it: any case, spaces or
    dashes, with or without its prefix."""
    compact = re.sub(r"[\s-]", "", reference).upper()
    bare_prefix = prefix.rstrip("-")
    if len(compact) == len(bare_prefix) + REFERENCE_LENGTH and compact.startswith(
        bare_prefix
    ):
        compact = compact[len(bare_prefix) :]
    return prefix + compact


def insert_with_fresh_reference(
    engine: Engine,
    table: Table,
    values: Callable[[], dict[str, Any]],
    draw: Callable[[], str],
) -> str:
    """Inserts a row under a newly drawn reference and returns it.

    A new reference is drawn when the first one is already taken; any other
    database error propagates so the visitor can be told nothing was saved.
    ``values`` is called per attempt, so a timestamp in it is the insert's own.
    """
    for _ in range(MAX_STORE_ATTEMPTS - 1):
        reference = draw()
        try:
            _insert(engine, table, reference, values())
            return reference
        except IntegrityError:
            if not _reference_taken(engine, table, reference):
                raise
    reference = draw()
    _insert(engine, table, reference, values())
    return reference


def _insert(engine: Engine, table: Table, reference: str, row: dict[str, Any]) -> None:
    with engine.begin() as connection:
        connection.execute(insert(table).values(reference=reference, **row))


def _reference_taken(engine: Engine, table: Table, reference: str) -> bool:
    query = select(table.c.id).where(table.c.reference == reference)
    with engine.connect() as connection:
        return connection.execute(query).first() is not None
