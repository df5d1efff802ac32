"""Shared fixtures of the unit tests: the project's real spaCy pipeline, built
once per test run, and a migrated database on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from sqlalchemy.engine import Engine

from clinic.nlp import figurative, normalizer  # noqa: F401  (register the factories)
from clinic.store.db import make_engine
from clinic.store.migrate import upgrade
from harness.services import fresh_postgres_database

PIPELINE = Path(__file__).resolve().parents[2] / ".spacy" / "clinic_en"


@pytest.fixture(scope="session")
def nlp() -> Language:
    if not (PIPELINE / "meta.json").exists():
        pytest.fail("the spaCy pipeline is missing: run bash scripts/setup.sh")
    return spacy.load(PIPELINE)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Every store test runs on SQLite and on the machine's PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'clinic.db'}"
    else:
        with fresh_postgres_database() as url:
            yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """The clinic's schema, migrated, on ``database_url``."""
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()
