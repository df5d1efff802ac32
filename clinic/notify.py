"""Staff notifications through the webhook configured in endpoints.yml.

Notifications are best effort: they run after the visitor's reply, never block
it, and a failure is recorded with the flag instead of being raised.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import yaml

logger = logging.getLogger(__name__)

ENDPOINTS_FILE = Path("endpoints.yml")
SECTION = "staff_notifications"
_ENV_VAR = re.compile(r"\$\{([^}]+)\}")

# Background notifications are kept referenced until done (asyncio keeps weak refs).
_pending: set[asyncio.Task[Any]] = set()


def expand_environment(value: Any) -> Any:
    if isinstance(value, str):
        return _ENV_VAR.sub(lambda match: os.environ.get(match.group(1), ""), value)
    return value


@dataclass(frozen=True)
class StaffNotifier:
    webhook_url: str = ""
    timeout_seconds: float = 5.0

    @classmethod
    def from_endpoints(cls, path: Path = ENDPOINTS_FILE) -> StaffNotifier:
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            content = {}
        section = {
            k: expand_environment(v) for k, v in (content.get(SECTION) or {}).items()
        }
        return cls(
            webhook_url=str(section.get("webhook_url") or ""),
            timeout_seconds=float(section.get("timeout_seconds") or 5),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.webhook_url)

    async def send(self, payload: dict[str, Any]) -> str | None:
        """Posts the payload; returns None on success, else what went wrong."""
        if not self.enabled:
            return "no staff webhook configured"
        timeout = aiohttp.ClientTimeout(total=self.timeout_seconds)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(self.webhook_url, json=payload) as response,
            ):
                if response.status >= 300:
                    return f"webhook answered HTTP {response.status}"
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            return f"webhook unreachable: {type(error).__name__}"
        return None


def run_in_background(coroutine: Any) -> asyncio.Task[Any]:
    task = asyncio.get_running_loop().create_task(coroutine)
    _pending.add(task)
    task.add_done_callback(_pending.discard)
    return task


async def wait_for_background_notifications() -> None:
    """Waits until every notification started in this event loop has finished."""
    loop = asyncio.get_running_loop()
    while mine := [task for task in _pending if task.get_loop() is loop]:
        await asyncio.gather(*mine, return_exceptions=True)
