"""Content tests that touch the database run on SQLite and on PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from clinic.store.db import make_engine
from clinic.store.migrate import upgrade

PROJECT = Path(__file__).resolve().parents[3]
PROJECT_PARTS = ("data", "domain", "config.yml", "config")


def copy_project(target: Path) -> Path:
    """The parts of the real project that content edits read, copied."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = PROJECT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()
