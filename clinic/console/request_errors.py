"""aiohttp logs a request it could not parse (a URL over 8 KB, a broken
request line) with a full traceback at ERROR, though it only answers 400: a
client's mistake, not the console's. Logged as one line instead, so that a
traceback in the console's log always means a fault of its own."""

from __future__ import annotations

import logging

from aiohttp.http_exceptions import HttpProcessingError

SERVER_LOGGER = "aiohttp.server"


class MalformedRequestsInOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            record.msg, record.args = (
                "refused a malformed request: %s (%s)",
                (
                    type(error).__name__,
                    error.code,
                ),
            )
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
        return True


def log_malformed_requests_in_one_line() -> None:
    logger = logging.getLogger(SERVER_LOGGER)
    if not any(isinstance(f, MalformedRequestsInOneLine) for f in logger.filters):
        logger.addFilter(MalformedRequestsInOneLine())
