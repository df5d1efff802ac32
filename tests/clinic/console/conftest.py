"""A real staff console (its own process, over HTTP) on a fresh SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.live_chat import Console, console_server, create_staff_account
from harness.servers import Assistant, base_environment, migrate

PASSWORD = "a long staff password"


@pytest.fixture(scope="module")
def console_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('console') / 'clinic.db'}"
    migrate(url)
    create_staff_account(url, "dana", "Dana", PASSWORD, "staff")
    create_staff_account(url, "alex", "Alex", PASSWORD, "admin")
    create_staff_account(url, "gone", "Gone", PASSWORD, "staff")
    return url


@pytest.fixture(scope="module")
def console(
    assistant: Assistant, console_database: str, server_logs: Path
) -> Iterator[Console]:
    env = base_environment(console_database)
    with console_server(env, assistant.url, assistant.token, server_logs) as running:
        yield running
