"""Sign-in limits that protect staff (issue 24, item 5), through real console
processes on one database: they survive a restart, stop one address trying many
usernames, and never lock out the right password from another address.

Addresses come from X-Forwarded-For, which the console trusts only from the
proxies in CONSOLE_TRUSTED_PROXIES (here the tests' own 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, select

from clinic.store.models import sign_in_failures
from harness.live_chat import (
    CSRF,
    Console,
    console_server,
    create_staff_account,
)
from harness.servers import Assistant, base_environment, migrate
from tests.clinic.console.conftest import PASSWORD

ATTACKER, NURSE_AT_WORK = "203.0.113.5", "198.51.100.7"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('limits') / 'clinic.db'}"
    migrate(url)
    create_staff_account(url, "nurse", "Nurse", PASSWORD, "staff")
    return url


@contextmanager
def console(
    database: str, assistant: Assistant, server_logs: Path, trusted: str = "127.0.0.1"
) -> Iterator[Console]:
    env = {**base_environment(database), "CONSOLE_TRUSTED_PROXIES": trusted}
    with console_server(env, assistant.url, assistant.token, server_logs) as running:
        yield running


def sign_in(console: Console, username: str, password: str, address: str) -> int:
    http = requests.Session()
    page = http.get(f"{console.url}/login", timeout=10)
    token = CSRF.search(page.text).group(1)
    response = http.post(
        f"{console.url}/login",
        data={"csrf_token": token, "username": username, "password": password},
        headers={"X-Forwarded-For": f"10.9.9.9, {address}"},
        allow_redirects=False,
        timeout=10,
    )
    return response.status_code


def stored_failures(database: str) -> list[tuple[str, str]]:
    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(sign_in_failures)).all()
    finally:
        engine.dispose()
    return [(row.username, row.address) for row in rows]


def test_failures_hold_across_a_restart_but_not_against_another_address(
    database: str, assistant: Assistant, server_logs: Path
) -> None:
    with console(database, assistant, server_logs) as first:
        for _ in range(5):
            assert sign_in(first, "nurse", "wrong password!", ATTACKER) == 401
        # The attacker's address is stopped, even with the right password...
        assert sign_in(first, "nurse", PASSWORD, ATTACKER) == 429
    with console(database, assistant, server_logs) as restarted:
        assert sign_in(restarted, "nurse", PASSWORD, ATTACKER) == 429, "remembered"
        # ...while the nurse, elsewhere, signs in as usual.
        assert sign_in(restarted, "nurse", PASSWORD, NURSE_AT_WORK) == 302


def test_one_address_cannot_try_many_usernames(
    database: str, assistant: Assistant, server_logs: Path
) -> None:
    spraying = "203.0.113.9"
    with console(database, assistant, server_logs) as running:
        for n in range(20):
            assert sign_in(running, f"user{n}", "a guessed password", spraying) == 401
        assert sign_in(running, "user99", "a guessed password", spraying) == 429
        assert sign_in(running, "nurse", PASSWORD, "198.51.100.8") == 302


def test_what_is_stored_is_bounded(
    database: str, assistant: Assistant, server_logs: Path
) -> None:
    with console(database, assistant, server_logs) as running:
        assert sign_in(running, "x" * 60_000, "a guessed password", "192.0.2.1") == 401
    assert ("x" * 64, "192.0.2.1") in stored_failures(database)
    assert all(len(u) <= 64 and len(a) <= 64 for u, a in stored_failures(database))


def test_a_forwarded_address_counts_only_from_a_trusted_proxy(
    database: str, assistant: Assistant, server_logs: Path
) -> None:
    """Without a trusted proxy, X-Forwarded-For is anyone's to write: ignored."""
    with console(database, assistant, server_logs, trusted="") as running:
        assert sign_in(running, "nobody", "a guessed password", "192.0.2.77") == 401
    assert ("nobody", "127.0.0.1") in stored_failures(database)
    assert ("nobody", "192.0.2.77") not in stored_failures(database)
