"""Database engine from the environment, created on first use (never on import)."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine

DEFAULT_DATABASE_URL = "sqlite:///var/clinic.db"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """SQLite's write-ahead log: the Rasa server, the action server and the
    console use one file at once, readers do not wait for a writer, and a
    commit costs one file sync (``synchronous`` stays FULL: commits are
    durable). A writer waits up to 5 s for another instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def tune_sqlite(engine: Engine) -> None:
    """The settings above on every new connection of ``engine``, and on one
    now: an engine made elsewhere (Rasa's tracker store) may hold some."""
    event.listen(engine, "connect", _tune_sqlite)
    with engine.connect() as connection:
        _tune_sqlite(connection.connection.dbapi_connection, None)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, future=True)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=5)


@lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    return make_engine(url)


def default_engine() -> Engine:
    """The engine for DATABASE_URL, shared within this process."""
    return engine_for(database_url())
