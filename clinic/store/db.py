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
    # WAL lets the Rasa server and the action server use one file concurrently.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


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
