"""Live chat from both sides, for tests: a visitor on the socket.io channel (as
the website chat is) and a staff member using the console over HTTP."""

from __future__ import annotations

import asyncio
import json
import queue
import re
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import socketio

from clinic.console.conversation import staff_reply_events
from clinic.console.rasa_client import RasaClient
from clinic.settings import WEEKDAYS
from harness.servers import (
    PROJECT_ROOT,
    VENV_BIN,
    Assistant,
    free_port,
    running_process,
    wait_for_http,
)

PASSWORD = "a long staff password"
# The web page the chat is embedded in, as the socket.io channel allows it.
SITE = "http://clinic.test"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ALWAYS_OPEN = dict.fromkeys(WEEKDAYS, "00:00-24:00")
NEVER_OPEN = dict.fromkeys(WEEKDAYS, "")


def clinic_config_with_hours(directory: Path, opening_hours: dict[str, str]) -> Path:
    """The demo clinic's configuration with these live-chat hours, whatever the
    time the test runs (a server reads it through CLINIC_CONFIG)."""
    import yaml

    content = yaml.safe_load((PROJECT_ROOT / "config" / "clinic.yml").read_text())
    content["live_chat"]["opening_hours"] = opening_hours
    path = directory / "clinic.yml"
    path.write_text(yaml.safe_dump(content))
    return path


def clinic_config_always_open(directory: Path) -> Path:
    """The demo clinic's configuration with live chat open at every hour."""
    return clinic_config_with_hours(directory, ALWAYS_OPEN)


class SocketVisitor:
    """A website visitor: socket.io with session persistence, like the widget."""

    def __init__(self, rasa_url: str, origin: str | None = None) -> None:
        self.session_id = f"visitor-{uuid.uuid4().hex[:12]}"
        self.received: queue.Queue[dict[str, Any]] = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", self.received.put)
        confirmed = queue.Queue()
        self.client.on("session_confirm", confirmed.put)
        headers = {"Origin": origin} if origin else {}
        # Long-polling: the websocket client library would send a second Origin.
        self.client.connect(rasa_url, headers=headers, transports=["polling"])
        self.client.emit("session_request", {"session_id": self.session_id})
        # The server issues the conversation id (clinic/channels/conversation_ids.py).
        self.session_id = confirmed.get(timeout=10)

    def say(self, text: str) -> None:
        self.client.emit(
            "user_uttered", {"message": text, "session_id": self.session_id}
        )

    def next_message(self, timeout: float = 20.0) -> dict[str, Any]:
        return self.received.get(timeout=timeout)

    def wait_for(
        self, wanted: Callable[[dict[str, Any]], bool], timeout: float = 20.0
    ) -> list[dict[str, Any]]:
        """Messages up to and including the first that `wanted` accepts."""
        seen = []
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"not received in {timeout} s; got {seen}")
            try:
                message = self.received.get(timeout=left)
            except queue.Empty:
                continue
            seen.append(message)
            if wanted(message):
                return seen

    def wait_for_text(self, fragment: str, timeout: float = 20.0) -> list[dict]:
        return self.wait_for(lambda m: fragment in (m.get("text") or ""), timeout)

    def close(self) -> None:
        hang_up(self.client)


def hang_up(client: socketio.Client) -> None:
    """Disconnects without waiting for the long-poll in flight.

    The disconnect packets go out at once, so the server ends the session as
    before; only the client's wait for its pending poll to come back (up to
    the server's 25 s ping interval) is left to a background thread.
    """
    threading.Thread(target=client.disconnect, daemon=True).start()


@dataclass
class Console:
    url: str
    database_url: str
    log: Path


@dataclass
class StaffMember:
    """A staff member's browser, without the browser: the console over HTTP."""

    console: Console
    http: requests.Session = field(default_factory=requests.Session)
    csrf: str = ""

    def sign_in(self, username: str, password: str) -> requests.Response:
        page = self.http.get(f"{self.console.url}/login", timeout=10)
        token = CSRF.search(page.text).group(1)
        response = self.http.post(
            f"{self.console.url}/login",
            data={"csrf_token": token, "username": username, "password": password},
            allow_redirects=False,
            timeout=10,
        )
        if response.status_code == 302:
            home = self.http.get(f"{self.console.url}/", timeout=10)
            self.csrf = CSRF.search(home.text).group(1)
        return response

    def post(self, path: str, **data: str) -> requests.Response:
        return self.http.post(
            f"{self.console.url}{path}",
            data={"csrf_token": self.csrf, **data},
            headers={"Accept": "application/json"},
            allow_redirects=False,
            timeout=30,
        )

    def set_available(self) -> None:
        response = self.post("/presence", available="yes")
        assert response.status_code == 302, response.text

    def live_snapshots(self, path: str, timeout: float = 30.0) -> Iterator[dict]:
        """The server-sent events of a live view, as they arrive."""
        with self.http.get(
            f"{self.console.url}{path}", stream=True, timeout=timeout
        ) as response:
            response.raise_for_status()
            for line in response.iter_lines(decode_unicode=True):
                if line and line.startswith("data: "):
                    yield json.loads(line[len("data: ") :])

    def wait_in_stream(
        self, path: str, wanted: Callable[[dict], bool], timeout: float = 30.0
    ) -> dict:
        deadline = time.monotonic() + timeout
        for snapshot in self.live_snapshots(path, timeout):
            if wanted(snapshot):
                return snapshot
            if time.monotonic() > deadline:
                break
        raise AssertionError(f"{path}: not seen within {timeout} s")


def create_staff_account(
    database_url: str, username: str, name: str, password: str, role: str = "staff"
) -> None:
    subprocess.run(
        [
            str(VENV_BIN / "python"),
            "-m",
            "clinic.console.accounts",
            "--database-url",
            database_url,
            "create",
            username,
            "--name",
            name,
            "--role",
            role,
            "--password-stdin",
        ],
        input=password + "\n",
        text=True,
        check=True,
        capture_output=True,
        cwd=PROJECT_ROOT,
    )


@contextmanager
def console_server(
    env: dict[str, str], rasa_url: str, rasa_token: str, log_dir: Path
) -> Iterator[Console]:
    port = free_port()
    log = log_dir / f"console-{port}.log"
    env = {
        **env,
        "CONSOLE_PORT": str(port),
        "RASA_URL": rasa_url,
        "RASA_AUTH_TOKEN": rasa_token,
        "CONSOLE_POLL_SECONDS": "0.3",
    }
    command = [str(VENV_BIN / "python"), "-m", "clinic.console"]
    with running_process(command, env, log) as process:
        url = f"http://127.0.0.1:{port}"
        wait_for_http(f"{url}/healthz", process, log, 60)
        yield Console(url, env["DATABASE_URL"], log)


def staff_reply_through(assistant: Assistant, conversation_id: str, text: str) -> None:
    """What the console sends when a staff member (Sam) replies: events posted
    to the HTTP API of ``assistant`` (one replica, or nginx in front of them)."""
    client = RasaClient(assistant.url, assistant.token)

    async def reply() -> None:
        try:
            await client.append_events(conversation_id, staff_reply_events("Sam", text))
        finally:
            await client.close()

    asyncio.run(reply())
