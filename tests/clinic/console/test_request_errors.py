"""Requests the console refuses before any work: a body over its limit is
answered 413 at once, through a real console; a request aiohttp cannot parse is
logged in one line, without a traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from aiohttp.http_exceptions import LineTooLong

from clinic.console.request_errors import (
    MAX_BODY_BYTES,
    SERVER_LOGGER,
    log_malformed_requests_in_one_line,
)
from clinic.store import booking_requests
from harness.live_chat import StaffMember, console_server
from harness.servers import base_environment
from tests.clinic.console.conftest import PASSWORD

STATUS = booking_requests.STATUSES[0]
# Refusing a body needs no assistant: the console is started without one.
NO_ASSISTANT = "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def admin(console_database: str, server_logs: Path) -> Iterator[StaffMember]:
    env = base_environment(console_database)
    with console_server(env, NO_ASSISTANT, "unused", server_logs) as running:
        member = StaffMember(running)
        assert member.sign_in("alex", PASSWORD).status_code == 302
        yield member


def test_a_form_over_the_limit_is_refused_before_any_work(admin: StaffMember) -> None:
    # 5 bytes of markup and 12 of an encoded astral character: over 400 KB sent,
    # as the fuzz sends (tests/integration/test_fuzz.py).
    note = "<a>\U0001dde3" * 30_000
    for _ in range(20):
        # An unknown booking: read, the form would get a 404 ("no such booking").
        response = admin.post("/bookings/BK-NONE/status", status=STATUS, note=note)
        assert response.status_code == 413, response.text[:200]
        assert "larger than the console accepts (64 KB)" in response.text
        assert response.headers["Connection"] == "close"
        assert response.headers["X-Frame-Options"] == "DENY"
    assert admin.post("/bookings/BK-NONE/status", status=STATUS).status_code == 404


def test_without_a_session_an_oversized_body_is_refused_too(admin: StaffMember) -> None:
    response = requests.post(
        f"{admin.console.url}/bookings/BK-NONE/status",
        data={"note": "x" * (MAX_BODY_BYTES + 1)},
        timeout=10,
    )
    assert response.status_code == 413


def test_a_url_too_long_is_one_warning_line(caplog: pytest.LogCaptureFixture) -> None:
    log_malformed_requests_in_one_line()
    log_malformed_requests_in_one_line()  # installed once, however often called
    logger = logging.getLogger(SERVER_LOGGER)
    try:
        raise LineTooLong("Status line is too long", "8190", "242071")
    except LineTooLong as error:
        with caplog.at_level(logging.INFO, logger=SERVER_LOGGER):
            logger.exception("Error handling request", exc_info=error)
    (record,) = caplog.records
    assert record.levelname == "WARNING"
    assert record.getMessage() == "refused a malformed request: LineTooLong (400)"
    assert "Traceback" not in caplog.text


def test_the_consoles_own_faults_keep_their_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log_malformed_requests_in_one_line()
    logger = logging.getLogger(SERVER_LOGGER)
    try:
        raise RuntimeError("a fault of the console's own")
    except RuntimeError:
        with caplog.at_level(logging.INFO, logger=SERVER_LOGGER):
            logger.exception("Error handling request")
    assert "Traceback" in caplog.text and caplog.records[0].levelname == "ERROR"
