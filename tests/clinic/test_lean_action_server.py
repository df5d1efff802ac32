"""The action server runs on rasa-sdk alone (issue 22, item 3): neither Rasa,
spaCy nor TensorFlow is loaded into it, and rasa-sdk's plugin hook still
attaches its token check."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from harness.servers import (
    STARTUP_TIMEOUT,
    action_server_command,
    base_environment,
    free_port,
    running_process,
    wait_for_http,
)

# spaCy and TensorFlow are compiled libraries: a process that imported them
# has their files mapped. Rasa itself is pure Python; its start-up would
# import both.
HEAVY_LIBRARIES = ("/spacy/", "/tensorflow/", "/thinc/", "/torch/")
MAX_PEAK_MB = 250  # measured: 131 MB importing the actions (656 MB before)


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    directory = tmp_path_factory.mktemp("lean-actions")
    env = base_environment(f"sqlite:///{directory / 'clinic.db'}")
    port = free_port()
    log = directory / "actions.log"
    with running_process(action_server_command(port), env, log) as process:
        url = f"http://127.0.0.1:{port}"
        wait_for_http(f"{url}/health", process, log, STARTUP_TIMEOUT)
        yield process.pid, url, log, env["ACTION_SERVER_TOKEN"]


def test_no_heavy_library_is_loaded(action_server: tuple) -> None:
    pid = action_server[0]
    maps = Path(f"/proc/{pid}/maps").read_text()
    assert [name for name in HEAVY_LIBRARIES if name in maps] == []


def test_its_peak_memory_stays_small(action_server: tuple) -> None:
    pid = action_server[0]
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    assert peak_kb / 1024 < MAX_PEAK_MB


def test_the_plugin_hook_guards_it(action_server: tuple) -> None:
    _, url, log, token = action_server
    assert requests.get(f"{url}/actions", timeout=10).status_code == 401
    listed = requests.get(
        f"{url}/actions", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert listed.status_code == 200
    names = {action["name"] for action in listed.json()}
    assert {"validate_booking_form", "action_submit_callback"} <= names
    started = log.read_text()
    assert "clinic: Rasa checked, with: action server on loopback with a token" in (
        started
    )


def test_a_request_that_arrives_late_on_its_connection_is_still_served(
    action_server: tuple,
) -> None:
    """Sanic's 5 s keep-alive timeout, counted from the accept, closed such
    connections when the server's loop was busy (clinic/rasa_cli.py)."""
    _, url, _, _ = action_server
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
        time.sleep(7)  # longer than Sanic's default, which closed it after 5 s
        connection.sendall(
            b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        answer = connection.recv(4096)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:100]
