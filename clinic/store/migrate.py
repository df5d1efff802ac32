"""Bring a database's schema up to date: ``python -m clinic.store.migrate``.

Runs the Alembic migrations in migrations/ against DATABASE_URL (or the URL given),
upgrading an existing database in place without losing rows.
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from clinic.store.db import database_url, keep_sqlite_file_private

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str | None = None) -> None:
    url = url or database_url()
    keep_sqlite_file_private(url)  # Alembic's engine would make it 0644
    command.upgrade(alembic_config(url), "head")


if __name__ == "__main__":
    upgrade(sys.argv[1] if len(sys.argv) > 1 else None)
    print("database schema is up to date")
