"""Servers the integration tests share beyond the suite's own assistant."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.servers import Assistant, assistant_on_its_own_database

PER_ADDRESS, CONNECTS, RATINGS = 8, 4, 3
REST_TOKEN = "test-rest-token"


@pytest.fixture(scope="session")
def behind_a_proxy(
    model_path: Path, server_logs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Assistant]:
    """The Rasa server as nginx on the same machine would reach it."""
    with assistant_on_its_own_database(
        model_path,
        server_logs,
        tmp_path_factory.mktemp("limits"),
        TRUSTED_PROXIES="127.0.0.1",
        RATE_LIMIT_PER_ADDRESS_PER_MINUTE=str(PER_ADDRESS),
        SOCKET_CONNECTS_PER_ADDRESS_PER_MINUTE=str(CONNECTS),
        RATINGS_PER_MINUTE=str(RATINGS),
        REST_TOKEN=REST_TOKEN,
    ) as running:
        yield running
