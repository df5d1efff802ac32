"""Requests the console refuses before any work: bodies over its size limit,
and requests aiohttp could not parse.

aiohttp logs a request it could not parse (a URL over 8 KB, a broken request
line) with a full traceback at ERROR, though it only answers 400: a client's
mistake, not the console's. Logged as one line instead, so that a traceback in
the console's log always means a fault of its own."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

SERVER_LOGGER = "aiohttp.server"
# The largest body a console form sends: an answer being edited, a note.
MAX_BODY_BYTES = 64 * 1024


@web.middleware
async def refuse_oversized_bodies(
    request: web.Request,
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> web.StreamResponse:
    """A body declared larger than the limit is refused from its headers, before
    the sign-in lookup or anything else waits: the 413 goes out at once, while
    aiohttp reads and drops the rest of the body ("lingering close"), so the
    sender, still sending, gets the answer rather than a stalled or reset
    connection. The connection is then closed. A body with no declared length
    is held to the same limit by aiohttp's client_max_size as it is read."""
    declared = request.content_length
    if declared is not None and declared > MAX_BODY_BYTES:
        refusal = web.HTTPRequestEntityTooLarge(
            max_size=MAX_BODY_BYTES,
            actual_size=declared,
            text=f"This form is larger than the console accepts "
            f"({MAX_BODY_BYTES // 1024} KB): shorten the text and send it again.",
        )
        refusal.force_close()
        raise refusal
    return await handler(request)


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
