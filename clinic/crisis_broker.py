"""Flags crisis conversations for staff from inside the Rasa server.

Rasa hands every tracker event to the configured event broker (endpoints.yml,
``event_broker``). For each visitor message labelled ``crisis`` this broker
stores a ``crisis_flags`` row and alerts staff through the webhook. Running in
the Rasa process means a crisis is flagged even when the action server is down.

The alert never depends on the database: when the row cannot be written, the
flag is kept aside in a local file (``clinic/crisis_spool.py``) and staff are
alerted all the same; the flag reaches the database once it is back.

Repeated flags from one conversation within ``repeat_alert_minutes`` (endpoints.yml,
10 by default) send one alert: a visitor in distress often writes several
messages in a row, and one page per message buries staff. Each flag is still
stored and shown in the console, marked with the flag whose alert covers it; a
new alert goes out once the window has passed, or if the earlier alert failed.
``publish`` never raises: a storage or network problem must not turn a reply
that was already sent to the visitor into an error.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from asyncio import AbstractEventLoop
from collections.abc import Coroutine
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.exc import SQLAlchemyError

from clinic.crisis_spool import (
    RETRY_SECONDS,
    anything_waits,
    keep_alert_outcome,
    keep_flag,
    spool_path,
    try_moving_into_database,
)
from clinic.intent_names import CRISIS
from clinic.notify import StaffNotifier, notify_and_record, run_in_background
from clinic.store.crisis_flags import (
    CrisisFlag,
    covering_alert,
    mark_notification,
    record_crisis_flag,
)
from clinic.store.db import default_engine

logger = logging.getLogger(__name__)

REPEAT_ALERT_WINDOW = timedelta(minutes=10)
# The timer's shortest pause, whatever retry_seconds is (0 in tests: retry on
# every event), so a database that stays down is not tried in a busy loop.
MIN_TIMER_SECONDS = 1.0


def crisis_flag_from_event(event: dict[str, Any]) -> CrisisFlag | None:
    """The flag for a visitor message labelled crisis; None for any other event."""
    if event.get("event") != "user":
        return None
    parse_data = event.get("parse_data") or {}
    if (parse_data.get("intent") or {}).get("name") != CRISIS:
        return None
    detection = parse_data.get("crisis_detection") or {}
    return CrisisFlag(
        conversation_id=str(event.get("sender_id") or ""),
        message=str(event.get("text") or ""),
        detection=str(detection.get("source") or "classifier"),
        categories=tuple(detection.get("categories") or ()),
    )


def crisis_page_url() -> str:
    """Where staff read the flag: the console's crisis page, at its public
    address (CONSOLE_PUBLIC_URL, as the console itself reads it) or locally."""
    base = os.environ.get("CONSOLE_PUBLIC_URL", "").strip().rstrip("/")
    if not base:
        base = f"http://127.0.0.1:{os.environ.get('CONSOLE_PORT') or '5080'}"
    return f"{base}/crisis"


def alert_payload(flag: CrisisFlag, flag_id: int | None) -> dict[str, Any]:
    """What leaves the clinic: that a flag was raised and where to read it. The
    visitor's words and conversation id stay in the console (issue 24, items 2
    and 8): a webhook's receiver (a chat service, a pager) is not the clinic."""
    return {
        "type": "crisis_flag",
        "reference": flag.reference,
        # None when the database could not take the flag: it is kept aside.
        "flag_id": flag_id,
        "detection": flag.detection,
        "categories": list(flag.categories),
        "console_url": crisis_page_url(),
    }


def record_alert_outcome(reference: str, error: str | None) -> None:
    """On the flag's row, or beside the kept-aside flag while the database is down."""
    try:
        if mark_notification(default_engine(), reference, error):
            return
    except SQLAlchemyError as db_error:
        logger.error(
            "crisis flag %s: alert outcome not stored (%s); kept aside",
            reference,
            type(db_error).__name__,
        )
    try:
        keep_alert_outcome(spool_path(), reference, error)
    except OSError as file_error:
        logger.critical(
            "crisis flag %s: alert outcome (%s) recorded nowhere (%s)",
            reference,
            error or "delivered",
            type(file_error).__name__,
        )


async def alert_staff(
    notifier: StaffNotifier, flag: CrisisFlag, flag_id: int | None
) -> None:
    await notify_and_record(
        notifier,
        alert_payload(flag, flag_id),
        partial(record_alert_outcome, flag.reference),
        f"crisis flag {flag.reference}",
    )


def store_or_keep_aside(flag: CrisisFlag) -> int | None:
    """The flag's row id, or None when the database refused it and it was kept
    aside (or, if even that failed, only logged: the alert still goes out)."""
    try:
        return record_crisis_flag(default_engine(), flag)
    except Exception as error:
        logger.error(
            "crisis flag %s not stored (%s); kept aside until the database is back",
            flag.reference,
            type(error).__name__,
        )
    try:
        keep_flag(spool_path(), flag)
    except OSError as error:
        logger.critical(
            "crisis flag %s could not be kept aside either (%s): only the staff "
            "alert and this log record it",
            flag.reference,
            type(error).__name__,
        )
    return None


def already_alerted(flag: CrisisFlag, flag_id: int | None, window: timedelta) -> bool:
    """Whether an earlier flag's alert covers this one. When in doubt (the flag
    is kept aside, the database fails) it does not: a second alert costs little."""
    if flag_id is None or window <= timedelta(0):
        return False
    try:
        covering = covering_alert(default_engine(), flag, flag_id, window)
    except Exception as error:
        logger.error(
            "crisis flag %s: earlier alerts not checked (%s); alerting",
            flag.reference,
            type(error).__name__,
        )
        return False
    if covering is not None:
        logger.info(
            "crisis flag %s: covered by the alert of %s", flag.reference, covering
        )
    return covering is not None


def start(coroutine: Coroutine[Any, Any, None]) -> None:
    try:
        run_in_background(coroutine)
    except RuntimeError:  # no running event loop (a command-line tool): wait here
        asyncio.run(coroutine)


class CrisisFlagBroker(EventBroker):
    """Event broker that records and announces crisis messages."""

    def __init__(
        self,
        notifier: StaffNotifier,
        retry_seconds: float = RETRY_SECONDS,
        repeat_window: timedelta = REPEAT_ALERT_WINDOW,
    ) -> None:
        self._notifier = notifier
        self._retry_seconds = retry_seconds
        self._next_retry = 0.0
        # The loop the retry timer is set on, while one is set.
        self._timer_loop: AbstractEventLoop | None = None
        self._repeat_window = repeat_window

    @classmethod
    async def from_endpoint_config(
        cls,
        broker_config: EndpointConfig,
        event_loop: AbstractEventLoop | None = None,
    ) -> CrisisFlagBroker:
        minutes = broker_config.kwargs.get("repeat_alert_minutes")
        window = (
            REPEAT_ALERT_WINDOW
            if minutes is None
            else timedelta(minutes=float(minutes))
        )
        return cls(StaffNotifier.from_endpoints(), repeat_window=window)

    def publish(self, event: dict[str, Any]) -> None:
        flag = crisis_flag_from_event(event)
        if flag is not None:
            flag_id = store_or_keep_aside(flag)
            if not already_alerted(flag, flag_id, self._repeat_window):
                start(alert_staff(self._notifier, flag, flag_id))
        self._retry_kept_flags_now_and_then()

    def _retry_kept_flags_now_and_then(self) -> None:
        """Any event may find the database back; the file check is a stat()."""
        if time.monotonic() >= self._next_retry:
            self._retry_kept_flags()

    def _retry_kept_flags(self) -> None:
        self._next_retry = time.monotonic() + self._retry_seconds
        path = spool_path()
        if anything_waits(path):
            start(self._move_kept_flags(path))

    async def _move_kept_flags(self, path: Path) -> None:
        """Moves the kept flags into the database. While some still wait, it
        tries again after ``retry_seconds`` even if no event comes: the
        database may come back at night, when no visitor is writing."""
        await asyncio.to_thread(try_moving_into_database, default_engine(), path)
        if self._timer_is_set() or not anything_waits(path):
            return
        self._timer_loop = asyncio.get_running_loop()
        delay = max(self._retry_seconds, MIN_TIMER_SECONDS)
        self._timer_loop.call_later(delay, self._on_timer)

    def _timer_is_set(self) -> bool:
        """A timer set on a loop that has ended (a command-line tool's) will
        never fire: it does not count."""
        return self._timer_loop is not None and not self._timer_loop.is_closed()

    def _on_timer(self) -> None:
        self._timer_loop = None
        self._retry_kept_flags()
