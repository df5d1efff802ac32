"""Every store test runs on SQLite and on the machine's PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.services import fresh_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'clinic.db'}"
    else:
        with fresh_postgres_database() as url:
            yield url
