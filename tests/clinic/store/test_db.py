"""The SQLite database file: the service user's only, whoever opens it first."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.utils.endpoints import read_endpoint_config

from clinic.store.crisis_flags import CrisisFlag, record_crisis_flag
from clinic.store.db import keep_sqlite_file_private, make_engine
from clinic.store.migrate import upgrade

ROOT = Path(__file__).resolve().parents[3]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """As a shell's usual umask would create files: world-readable."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.usefixtures("permissive_umask")
def test_a_new_database_and_its_write_ahead_log_are_0600(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    engine = make_engine(url)
    upgrade(url)
    record_crisis_flag(engine, CrisisFlag("visitor-1", "i want to end it"))
    with engine.connect():  # the -wal and -shm files exist while one is open
        files = sorted(tmp_path.iterdir())
        assert {path.name for path in files} >= {"clinic.db", "clinic.db-wal"}
        assert {path.name: mode(path) for path in files} == {
            path.name: 0o600 for path in files
        }
    engine.dispose()


@pytest.mark.usefixtures("permissive_umask")
def test_migrations_run_first_make_the_database_0600(tmp_path: Path) -> None:
    upgrade(f"sqlite:///{tmp_path / 'clinic.db'}")
    assert mode(tmp_path / "clinic.db") == 0o600


@pytest.mark.usefixtures("permissive_umask")
def test_a_database_made_world_readable_by_an_earlier_version_is_narrowed(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    upgrade(url)
    for path in tmp_path.iterdir():
        path.chmod(0o644)
    engine = make_engine(url)
    with engine.connect():
        pass
    engine.dispose()
    assert {path.name: mode(path) for path in tmp_path.iterdir()} == {
        path.name: 0o600 for path in tmp_path.iterdir()
    }


@pytest.mark.usefixtures("permissive_umask")
async def test_the_tracker_store_opening_the_file_first_makes_it_0600(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "clinic.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("DATABASE_DIALECT", "sqlite")
    for unused in ("ACTION_ENDPOINT_URL", "STAFF_WEBHOOK_URL"):
        monkeypatch.setenv(unused, "http://127.0.0.1:1/")
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    store = TrackerStore.create(config, Domain.empty())
    tracker = await store.get_or_create_tracker("visitor-1")
    tracker.update(UserUttered("my phone is 555 0100"))
    await store.save(tracker)
    assert mode(database) == 0o600


def test_narrowing_keeps_the_locks_this_process_holds_on_the_file(
    tmp_path: Path,
) -> None:
    """Closing any descriptor of an SQLite file drops every POSIX lock the
    process holds on it: another process could then write under a writer."""
    database = tmp_path / "clinic.db"
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")  # the write lock, on the file itself
    holder.execute("INSERT INTO t VALUES (1)")
    keep_sqlite_file_private(f"sqlite:///{database}")
    other_writer = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=0); "
            "c.execute('BEGIN IMMEDIATE')",
            str(database),
        ],
        capture_output=True,
        text=True,
    )
    holder.execute("COMMIT")
    holder.close()
    assert "database is locked" in other_writer.stderr


def test_an_engine_never_connected_creates_no_file(tmp_path: Path) -> None:
    """A tool that finds no database says so instead of making an empty one."""
    make_engine(f"sqlite:///{tmp_path / 'clinic.db'}").dispose()
    assert not (tmp_path / "clinic.db").exists()


def test_a_missing_directory_is_left_for_sqlite_to_report(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'missing' / 'clinic.db'}")
    assert not (tmp_path / "missing").exists()
    engine.dispose()
