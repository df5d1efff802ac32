"""Training and running the two assistants, and what their processes cost.

Peak memory is the kernel's high-water mark of resident memory (``VmHWM`` in
``/proc/<pid>/status``), read for each process just before it is stopped, so it
covers start-up, model loading and every load level.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from harness.servers import (
    PROJECT_ROOT,
    VENV_BIN,
    action_server_command,
    base_environment,
    free_port,
    migrate,
    rasa_server_command,
    stop,
    trained_model,
    wait_for_http,
)

RASA = str(VENV_BIN / "rasa")
STARTUP_TIMEOUT = 300.0
# The socket.io clients send this Origin; the clinic's channel is told to allow it.
BENCH_ORIGIN = "http://127.0.0.1:8765"
STOCK_CREDENTIALS = """\
rest:
socketio:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: false
"""


@dataclass(frozen=True)
class Trained:
    model: Path
    seconds: float | None

    @property
    def megabytes(self) -> float:
        return self.model.stat().st_size / 1e6


@dataclass
class Running:
    """A started assistant: its URL and its processes by role."""

    name: str
    url: str
    cold_start: float
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)

    def record_peaks(self) -> None:
        for role, process in self.processes.items():
            self.peak_rss_mb[role] = peak_rss_mb(process.pid)


def peak_rss_mb(pid: int) -> float:
    """High-water resident memory of a process and its children, in MB."""
    total = 0.0
    for each in [pid, *child_pids(pid)]:
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) / 1024
    return total


def child_pids(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        children += [int(c) for c in task.read_text().split()]
    return children + [g for c in children for g in child_pids(c)]


def train(project: Path, workdir: Path, extra: list[str]) -> Trained:
    """Trains from scratch (empty cache) and times it."""
    cache = workdir / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(cache)}
    started = time.monotonic()
    subprocess.run(
        [RASA, "train", *extra, "--out", str(workdir), "--fixed-model-name", "model"],
        cwd=project,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return Trained(workdir / "model.tar.gz", time.monotonic() - started)


def train_clinic(workdir: Path) -> Trained:
    return train(PROJECT_ROOT, workdir, ["--domain", "domain"])


def reuse_clinic_model() -> Trained:
    """CLINIC_MODEL, else scripts/train.sh's model for the current data (untimed)."""
    return Trained(trained_model(), None)


def stock_project(directory: Path) -> Path:
    """What ``rasa init --no-prompt`` writes, without its untimed training."""
    import rasa.cli

    template = Path(rasa.cli.__file__).parent / "initial_project"
    shutil.copytree(template, directory, dirs_exist_ok=True)
    (directory / "credentials.yml").write_text(STOCK_CREDENTIALS)
    return directory


def first_answer(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Waits until the REST channel answers a message."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited; log:\n{log.read_text()[-3000:]}")
        try:
            response = requests.post(
                f"{url}/webhooks/rest/webhook",
                json={"sender": "bench-cold-start", "message": "hello"},
                timeout=30,
            )
            if response.ok and response.json():
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url}: no answer after {STARTUP_TIMEOUT} s")


def spawn(
    stack: ExitStack, command: list[str], cwd: Path, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    output = stack.enter_context(log.open("wb"))
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT
    )
    stack.callback(stop, process)
    return process


@contextmanager
def clinic_assistant(model: Path, workdir: Path) -> Iterator[Running]:
    """Action server, then the Rasa server on SQLite, as ``make run`` starts them."""
    database_url = f"sqlite:///{workdir / 'clinic.db'}"
    migrate(database_url)
    env = {
        **base_environment(database_url),
        "WIDGET_ORIGINS": BENCH_ORIGIN,
        # The load is the point here: no per-conversation rate limit.
        "RATE_LIMIT_PER_MINUTE": "0",
    }
    with ExitStack() as stack:
        action_port = free_port()
        actions = spawn(
            stack,
            action_server_command(action_port),
            PROJECT_ROOT,
            env,
            workdir / "actions.log",
        )
        wait_for_http(
            f"http://127.0.0.1:{action_port}/health",
            actions,
            workdir / "actions.log",
            STARTUP_TIMEOUT,
        )
        env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{action_port}/webhook"
        port = free_port()
        started = time.monotonic()
        server = spawn(
            stack,
            rasa_server_command(model, port, "bench-token"),
            PROJECT_ROOT,
            env,
            workdir / "rasa.log",
        )
        url = f"http://127.0.0.1:{port}"
        first_answer(url, server, workdir / "rasa.log")
        running = Running("clinic", url, time.monotonic() - started)
        running.processes = {"Rasa server": server, "action server": actions}
        yield running
        running.record_peaks()


@contextmanager
def stock_assistant(project: Path, model: Path, workdir: Path) -> Iterator[Running]:
    """The stock assistant as ``rasa run`` starts it (its actions are unused)."""
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    with ExitStack() as stack:
        port = free_port()
        started = time.monotonic()
        command = [RASA, "run", "--model", str(model), "--port", str(port)]
        command += ["--interface", "127.0.0.1", "--credentials", "credentials.yml"]
        server = spawn(stack, command, project, env, workdir / "stock-rasa.log")
        url = f"http://127.0.0.1:{port}"
        first_answer(url, server, workdir / "stock-rasa.log")
        running = Running("stock", url, time.monotonic() - started)
        running.processes = {"Rasa server": server}
        yield running
        running.record_peaks()
