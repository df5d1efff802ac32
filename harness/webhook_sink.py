"""A local HTTP server that records the staff webhook calls it receives."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class WebhookSink:
    def __init__(self, failures: int = 0, redirect_to: str = "") -> None:
        self.received: list[dict[str, Any]] = []
        # What arrived, as sent: (headers, raw body) of every accepted call.
        self.raw: list[tuple[dict[str, str], bytes]] = []
        # Requests answered 503 (and not recorded) before the first one accepted.
        self.failures_left = failures
        self.refused = 0
        # Answers every call with a 307 to this address instead (and records nothing).
        self.redirect_to = redirect_to
        self.redirected = 0
        self.url = ""

    def wait_for(self, predicate: Any, timeout: float = 15.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for payload in list(self.received):
                if predicate(payload):
                    return payload
            time.sleep(0.1)
        raise AssertionError(
            f"no matching webhook call in {timeout} s: {self.received}"
        )


@contextmanager
def webhook_sink(failures: int = 0, redirect_to: str = "") -> Iterator[WebhookSink]:
    sink = WebhookSink(failures, redirect_to)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            body = json.loads(raw or b"{}")
            if sink.redirect_to:
                sink.redirected += 1
                self.send_response(307)
                self.send_header("Location", sink.redirect_to)
            elif sink.failures_left > 0:
                sink.failures_left -= 1
                sink.refused += 1
                self.send_response(503)
            else:
                sink.raw.append((dict(self.headers.items()), raw))
                sink.received.append(body)
                self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sink.url = f"http://127.0.0.1:{server.server_address[1]}/staff"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()
