"""A request aiohttp cannot parse is logged in one line, without a traceback."""

from __future__ import annotations

import logging

import pytest
from aiohttp.http_exceptions import LineTooLong

from clinic.console.request_errors import (
    SERVER_LOGGER,
    log_malformed_requests_in_one_line,
)


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
