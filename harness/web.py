"""The demo site, Chromium and the widget for tests and the widget scripts.

Chromium is Debian's (``CHROMIUM_PATH``, default /usr/bin/chromium), driven by
Playwright; no browser is ever downloaded. Without it, browser tests are
skipped, or fail under REQUIRE_SERVICES=1 (harness/services.py).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from playwright.sync_api import Browser, Playwright

from clinic.rasa_patches.api_token import token_header
from clinic.site.config import BUNDLE_NAME, DEFAULT_DIST
from harness.servers import (
    VENV_BIN,
    Assistant,
    action_server,
    base_environment,
    free_port,
    migrate,
    rasa_server,
    running_process,
    trained_model,
    wait_for_http,
)
from harness.services import unavailable

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Headless, and nothing that phones home: this machine's network is closed.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT = 60.0


def chromium_executable() -> Path | None:
    path = Path(os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM)
    return path if path.is_file() and os.access(path, os.X_OK) else None


def require_chromium() -> Path:
    path = chromium_executable()
    if path is None:
        where = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM
        unavailable("Chromium", f"{where} not found (apt-get install -y chromium)")
    assert path is not None
    return path


def require_widget_bundle() -> Path:
    bundle = DEFAULT_DIST / BUNDLE_NAME
    if not bundle.is_file():
        unavailable("the widget bundle", f"{bundle} missing (bash scripts/setup.sh)")
    return bundle


def launch_chromium(playwright: Playwright, executable: Path) -> Browser:
    return playwright.chromium.launch(
        executable_path=str(executable), args=CHROMIUM_ARGS
    )


def widget_environment(site_port: int) -> dict[str, str]:
    """What the Rasa server needs to accept the widget on the demo site."""
    return {
        "SITE_PORT": str(site_port),
        "WIDGET_ORIGINS": f"http://127.0.0.1:{site_port}",
    }


@dataclass
class DemoSite:
    url: str
    assistant: Assistant


@contextmanager
def demo_site(
    assistant: Assistant, port: int, log_dir: Path, env: dict[str, str] | None = None
) -> Iterator[DemoSite]:
    """The real demo site (python -m clinic.site), pointing at the assistant."""
    env = {
        **(env or base_environment(assistant.database_url)),
        "SITE_PORT": str(port),
        "SITE_HOST": "127.0.0.1",
        "RASA_PUBLIC_URL": assistant.url,
    }
    log = log_dir / f"site-{port}.log"
    command = [str(VENV_BIN / "python"), "-m", "clinic.site"]
    with running_process(command, env, log) as process:
        url = f"http://127.0.0.1:{port}"
        wait_for_http(f"{url}/health", process, log, STARTUP_TIMEOUT)
        yield DemoSite(url, assistant)


@contextmanager
def web_stack(log_dir: Path | None = None) -> Iterator[DemoSite]:
    """Everything a visitor needs: action server, Rasa server, demo site."""
    with ExitStack() as stack:
        if log_dir is None:
            log_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        database = f"sqlite:///{log_dir / 'clinic.db'}"
        migrate(database)
        site_port = free_port()
        env = {**base_environment(database), **widget_environment(site_port)}
        action_url = stack.enter_context(action_server(env, log_dir))
        assistant = stack.enter_context(
            rasa_server(trained_model(), env, log_dir, action_url)
        )
        yield stack.enter_context(demo_site(assistant, site_port, log_dir, env))


def staff_reply(
    assistant: Assistant, sender: str, text: str, staff_name: str, with_text: bool
) -> None:
    """A staff member's reply, appended the way the staff console does it.

    The console appends a BotUttered event whose ``custom`` data the socket.io
    channel emits as ``{"text", "staff_name"}``; with ``with_text`` the event's
    own text is set too, and the socket receives the plain text first.
    """
    event = {
        "event": "bot",
        "text": text if with_text else None,
        "data": {"custom": {"data": {"text": text, "staff_name": staff_name}}},
    }
    response = requests.post(
        f"{assistant.url}/conversations/{sender}/tracker/events",
        params={"execute_side_effects": "true", "output_channel": "latest"},
        headers=token_header(assistant.token),
        json=event,
        timeout=30,
    )
    response.raise_for_status()
