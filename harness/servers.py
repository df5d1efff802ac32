"""Start and stop the real Rasa server and action server for tests."""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from clinic.cluster.topology import action_server_command, rasa_server_command
from clinic.rasa_patches.api_token import token_header
from clinic.settings import ClinicSettings, load_settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
STARTUP_TIMEOUT = 180.0


def clinic_settings() -> ClinicSettings:
    """The clinic the project ships (config/clinic.yml, its crisis resources)."""
    config = PROJECT_ROOT / "config"
    return load_settings(config / "clinic.yml", config / "crisis_resources.yml")


def free_port() -> int:
    """A port nothing listens on. When the suite runs as several pytest
    processes (scripts/test.sh), each takes its ports from its own range
    (``TEST_PORT_RANGE=20000-25999``), below the kernel's ephemeral ports, so
    that two processes never pick the same one between choosing and binding."""
    span = os.environ.get("TEST_PORT_RANGE")
    if not span:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return int(sock.getsockname()[1])
    first, last = (int(end) for end in span.split("-"))
    for _ in range(last - first + 1):
        port = first + next(_PORT_TURNS) % (last - first + 1)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue  # in use, or held by a closing connection
            return port
    raise RuntimeError(f"no free port in TEST_PORT_RANGE={span}")


_PORT_TURNS = itertools.count()


def trained_model() -> Path:
    """The model for the current data and config (trains only if missing)."""
    if os.environ.get("CLINIC_MODEL"):
        return Path(os.environ["CLINIC_MODEL"])
    result = subprocess.run(
        ["bash", "scripts/train.sh"],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return PROJECT_ROOT / result.stdout.strip().splitlines()[-1]


def spool_beside(database_url: str) -> str:
    """Each test database gets its own file of kept-aside crisis flags."""
    if database_url.startswith("sqlite:///"):
        return str(
            Path(database_url[len("sqlite:///") :]).with_suffix(".pending.jsonl")
        )
    return str(Path(tempfile.mkdtemp(prefix="crisis-spool-")) / "pending.jsonl")


def base_environment(database_url: str, webhook_url: str = "") -> dict[str, str]:
    env = dict(os.environ)
    # Rasa sends it and the action server requires it (clinic/action_auth.py).
    env.setdefault("ACTION_SERVER_TOKEN", "test-action-token")
    env.setdefault("STAFF_WEBHOOK_SECRET", "test-webhook-secret")  # endpoints.yml
    env.update(
        CRISIS_SPOOL_PATH=spool_beside(database_url),
        PYTHONPATH=str(PROJECT_ROOT),
        TF_CPP_MIN_LOG_LEVEL="3",
        RASA_TELEMETRY_ENABLED="false",
        DATABASE_URL=database_url,
        DATABASE_DIALECT=database_url.split(":")[0].split("+")[0],
        STAFF_WEBHOOK_URL=webhook_url,
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    return env


def wait_for_http(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{url}: process exited early; log:\n{log.read_text()[-4000:]}"
            )
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(
        f"{url} not ready after {timeout} s; log:\n{log.read_text()[-4000:]}"
    )


@dataclass
class Assistant:
    """A running Rasa server (+ action server) and how to talk to it."""

    url: str
    token: str
    action_url: str
    database_url: str
    log_dir: Path
    pid: int  # the Rasa server's process
    rest_token: str = ""  # REST_TOKEN, for the REST channel behind a proxy

    def parse(self, text: str) -> dict:
        response = requests.post(
            f"{self.url}/model/parse",
            params={"token": self.token},
            json={"text": text},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    def send(self, sender: str, text: str) -> list[dict]:
        headers = (
            {"Authorization": f"Bearer {self.rest_token}"} if self.rest_token else {}
        )
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            headers=headers,
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict:
        response = requests.get(
            f"{self.url}/conversations/{sender}/tracker",
            headers=token_header(self.token),
            timeout=30,
        )
        response.raise_for_status()
        return response.json()


@contextmanager
def running_process(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Asked to stop; killed if it has not within 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def migrate(database_url: str) -> None:
    subprocess.run(
        [str(VENV_BIN / "python"), "-m", "clinic.store.migrate", database_url],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        env=base_environment(database_url),
    )


@contextmanager
def action_server(env: dict[str, str], log_dir: Path) -> Iterator[str]:
    port = free_port()
    log = log_dir / f"actions-{port}.log"
    with running_process(action_server_command(port), env, log) as process:
        wait_for_http(f"http://127.0.0.1:{port}/health", process, log, STARTUP_TIMEOUT)
        yield f"http://127.0.0.1:{port}/webhook"


@contextmanager
def rasa_server(
    model: Path,
    env: dict[str, str],
    log_dir: Path,
    action_url: str,
    endpoints: Path | str = "endpoints.yml",
) -> Iterator[Assistant]:
    port, token = free_port(), "test-token"
    log = log_dir / f"rasa-{port}.log"
    env = {**env, "ACTION_ENDPOINT_URL": action_url}
    command = rasa_server_command(model, port, token, endpoints)
    with running_process(command, env, log) as process:
        url = f"http://127.0.0.1:{port}"
        wait_for_http(f"{url}/status?token={token}", process, log, STARTUP_TIMEOUT)
        yield Assistant(
            url, token, action_url, env["DATABASE_URL"], log_dir, process.pid
        )


@contextmanager
def assistant_on_its_own_database(
    model: Path, log_dir: Path, database_dir: Path, **settings: str
) -> Iterator[Assistant]:
    """A Rasa server and action server of their own, on a fresh SQLite database,
    with `settings` added to the environment."""
    url = f"sqlite:///{database_dir / 'clinic.db'}"
    migrate(url)
    env = {**base_environment(url), **settings}
    with (
        action_server(env, log_dir) as action_url,
        rasa_server(model, env, log_dir, action_url) as running,
    ):
        yield running
