"""The Rasa HTTP API's token travels in a header, never in a URL (issue 24):
the real Rasa server accepts it there, and the console's and the retraining
job's clients send it only there."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
import requests

from clinic.console.rasa_client import RasaClient
from clinic.rasa_patches.api_token import TOKEN_HEADER
from clinic.training.serving import RasaServer
from harness.servers import Assistant

SECRET = "the-rasa-token-under-test"


def test_the_rasa_server_accepts_the_token_in_the_header(
    assistant: Assistant,
) -> None:
    status = f"{assistant.url}/status"
    assert requests.get(status, headers={TOKEN_HEADER: assistant.token}).ok
    assert requests.get(status, params={"token": assistant.token}).ok, "scripts"


@pytest.mark.parametrize(
    "headers",
    [{}, {TOKEN_HEADER: "wrong"}, {TOKEN_HEADER: ""}, {TOKEN_HEADER: "é"}],
    ids=["none", "wrong", "empty", "not-ascii"],
)
def test_the_rasa_server_refuses_a_missing_or_wrong_token(
    assistant: Assistant, headers: dict[str, str]
) -> None:
    response = requests.get(f"{assistant.url}/status", headers=headers)
    assert response.status_code == 401


def test_a_wrong_header_does_not_hide_a_right_query_token(
    assistant: Assistant,
) -> None:
    response = requests.get(
        f"{assistant.url}/status",
        params={"token": assistant.token},
        headers={TOKEN_HEADER: "wrong"},
    )
    assert response.ok


class Recorded(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def answer(self) -> None:
        self.seen.append((self.path, self.headers.get(TOKEN_HEADER)))
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = b'{"model_file": "models/model-x.tar.gz", "events": []}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_POST = answer

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    Recorded.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorded)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_the_console_sends_the_token_only_in_the_header(recorder: str) -> None:
    async def look_at_a_conversation() -> None:
        client = RasaClient(recorder, SECRET)
        try:
            await client.tracker("visitor-1")
        finally:
            await client.close()

    asyncio.run(look_at_a_conversation())
    [(path, header)] = Recorded.seen
    assert path.startswith("/conversations/visitor-1/tracker")
    assert SECRET not in path and "token" not in path
    assert header == SECRET


def test_the_retraining_job_sends_the_token_only_in_the_header(
    recorder: str,
) -> None:
    server = RasaServer(recorder, SECRET)
    server.serving_model()
    assert Recorded.seen, "the job asked the server"
    for path, header in Recorded.seen:
        assert SECRET not in path and "token" not in path
        assert header == SECRET
