"""Content tests that touch the database run on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from clinic.content.saving import copy_content
from clinic.store.db import make_engine
from clinic.store.migrate import upgrade

PROJECT = Path(__file__).resolve().parents[3]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_content(PROJECT, tmp_path / "project")


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()
