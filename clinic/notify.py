"""Staff notifications through the webhook configured in endpoints.yml.

Notifications are best effort: they run after the visitor's reply, never block
it, and a failure is recorded with the flag instead of being raised.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import yaml
from sqlalchemy.exc import SQLAlchemyError

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


def _section(path: Path) -> dict[str, Any]:
    """The file's staff_notifications section, parsed again only when it changes.

    Parsing endpoints.yml took 2-3 ms of the action server's event loop for
    every booking and handoff (docs/performance.md).
    """
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    return _parsed_section(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _parsed_section(path: str, _mtime_ns: int, _size: int) -> dict[str, Any]:
    try:
        content = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {}
    return dict(content.get(SECTION) or {})


SIGNATURE_HEADER = "X-Clinic-Signature"
TIMESTAMP_HEADER = "X-Clinic-Timestamp"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def signed_headers(body: bytes, secret: str, timestamp: int) -> dict[str, str]:
    """HMAC-SHA256 over "<timestamp>.<body>": the receiver recomputes it with
    the shared secret and refuses a forged or replayed payload (docs/security.md)."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: f"sha256={digest}",
    }


def insecure_url_problem(url: str) -> str | None:
    """Staff alerts travel over https; plain http only to this machine."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS:
        return None
    return "the staff webhook must be an https:// address"


@dataclass(frozen=True)
class StaffNotifier:
    webhook_url: str = ""
    timeout_seconds: float = 5.0
    # A staff alert is worth waiting for: a failed attempt is tried again after
    # retry_delay_seconds, doubling each time, `attempts` times in all.
    attempts: int = 4
    retry_delay_seconds: float = 2.0
    # Signs every payload (SIGNATURE_HEADER); empty sends them unsigned.
    signing_secret: str = ""

    @classmethod
    def from_endpoints(cls, path: Path | None = None) -> StaffNotifier:
        section = _section(path or ENDPOINTS_FILE)
        section = {k: expand_environment(v) for k, v in section.items()}
        return cls(
            webhook_url=str(section.get("webhook_url") or ""),
            timeout_seconds=float(section.get("timeout_seconds") or 5),
            attempts=max(1, int(section.get("attempts") or cls.attempts)),
            retry_delay_seconds=float(
                section.get("retry_delay_seconds") or cls.retry_delay_seconds
            ),
            signing_secret=str(section.get("signing_secret") or ""),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.webhook_url)

    async def send(self, payload: dict[str, Any]) -> str | None:
        """Posts the payload, retrying with backoff; returns None once it is
        delivered, else what went wrong on the last attempt."""
        if not self.enabled:
            return "no staff webhook configured"
        insecure = insecure_url_problem(self.webhook_url)
        if insecure:
            logger.error("staff webhook not called: %s", insecure)
            return insecure
        if not self.signing_secret:
            warn_once_of_unsigned_payloads()
        delay = self.retry_delay_seconds
        for attempt in range(1, self.attempts + 1):
            error = await self._post_once(payload)
            if error is None or attempt == self.attempts:
                break
            logger.warning(
                "staff webhook attempt %d of %d failed (%s); trying again in %.0f s",
                attempt,
                self.attempts,
                error,
                delay,
            )
            await asyncio.sleep(delay)
            delay *= 2
        return error

    def _request(self, payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        if not self.signing_secret:
            return body, {"Content-Type": "application/json"}
        return body, signed_headers(body, self.signing_secret, int(time.time()))

    async def _post_once(self, payload: dict[str, Any]) -> str | None:
        timeout = aiohttp.ClientTimeout(total=self.timeout_seconds)
        body, headers = self._request(payload)  # signed afresh on every attempt
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                # A redirect would re-send a crisis payload somewhere else.
                session.post(
                    self.webhook_url, data=body, headers=headers, allow_redirects=False
                ) as response,
            ):
                if response.status >= 300:
                    return f"webhook answered HTTP {response.status}"
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            return f"webhook unreachable: {type(error).__name__}"
        return None


@lru_cache(maxsize=1)  # once a process
def warn_once_of_unsigned_payloads() -> None:
    """An unsigned alert is still sent (a lost crisis alert costs more than a
    forged one), but whoever deploys is told, once a process, that the receiver
    cannot tell it from a forgery. The address is not logged: some carry a
    token in their path."""
    logger.warning(
        "staff webhook payloads are sent unsigned: set STAFF_WEBHOOK_SECRET "
        "and check X-Clinic-Signature where they arrive (docs/security.md)"
    )


def run_in_background(coroutine: Any) -> asyncio.Task[Any]:
    task = asyncio.get_running_loop().create_task(coroutine)
    _pending.add(task)
    task.add_done_callback(_pending.discard)
    return task


async def notify_and_record(
    notifier: StaffNotifier,
    payload: dict[str, Any],
    record: Callable[[str | None], None],
    what: str,
) -> None:
    """Sends `payload` to staff, then stores the outcome with `record` (in a thread).

    `what` names the record in log lines ("booking BK-7KQ3XZ"); it must never
    carry contact details.
    """
    error = await notifier.send(payload)
    if error:
        logger.warning("%s: staff notification failed: %s", what, error)
    try:
        await asyncio.to_thread(record, error)
    except SQLAlchemyError as db_error:
        logger.warning(
            "%s: could not record the notification: %s",
            what,
            type(db_error).__name__,
        )


async def wait_for_background_notifications() -> None:
    """Waits until every notification started in this event loop has finished."""
    loop = asyncio.get_running_loop()
    while mine := [task for task in _pending if task.get_loop() is loop]:
        await asyncio.gather(*mine, return_exceptions=True)
