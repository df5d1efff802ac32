"""Database engine from the environment, created on first use (never on import)."""

from __future__ import annotations

import contextlib
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine, make_url

logger = logging.getLogger(__name__)

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


def sqlite_file(url: str) -> Path | None:
    """The file an SQLite URL names (None: another database, one in memory, or
    a ``file:`` URI)."""
    parsed = make_url(url)
    name = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or name in ("", ":memory:"):
        return None
    return None if name.startswith("file:") else Path(name)


def keep_sqlite_file_private(url: str) -> None:
    """The database file readable by the service's user only (0600), made so
    before SQLite first opens it: it holds conversations, contact details and
    crisis flags, and SQLite gives its -wal and -shm files the database file's
    mode. A file made by an earlier version is narrowed too. A file this user
    may not change (another's, a read-only mount) is left as it is, with a
    warning: the database stays usable. Any other database: nothing to do."""
    path = sqlite_file(url)
    if path is None:
        return
    if not path.parent.is_dir():
        return  # SQLite reports the missing directory when it connects
    try:
        # Never open an existing database file here: closing any descriptor of
        # it drops every POSIX lock this process's SQLite connections hold on
        # it (sqlite.org/howtocorrupt.html, 2.2); chmod works by path.
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            os.chmod(path, 0o600)
        for companion in (f"{path}-wal", f"{path}-shm", f"{path}-journal"):
            with contextlib.suppress(FileNotFoundError):  # SQLite removed it
                os.chmod(companion, 0o600)
    except OSError as error:
        logger.warning(
            "Could not make the database file %s private: %s", path, error.strerror
        )


def tune_sqlite(engine: Engine) -> None:
    """The settings above on every new connection of ``engine``, and on one
    now: an engine made elsewhere (Rasa's tracker store) may hold some."""
    event.listen(engine, "connect", _tune_sqlite)
    with engine.connect() as connection:
        _tune_sqlite(connection.connection.dbapi_connection, None)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, future=True)
        # At the first connection, not here: a tool that finds no database
        # reports it instead of creating an empty one (clinic/staff_cli.py).
        event.listen(
            engine,
            "do_connect",
            lambda *_: keep_sqlite_file_private(url),
            once=True,
        )
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=5)


@lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    return make_engine(url)


def default_engine() -> Engine:
    """The engine for DATABASE_URL, shared within this process."""
    return engine_for(database_url())
