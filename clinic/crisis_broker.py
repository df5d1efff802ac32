"""Flags crisis conversations for staff from inside the Rasa server.

Rasa hands every tracker event to the configured event broker (endpoints.yml,
``event_broker``). This broker stores a ``crisis_flags`` row for each visitor
message labelled ``crisis`` and then notifies staff through the webhook. Running
in the Rasa process means a crisis is flagged even when the action server is down.
``publish`` never raises: a storage or network problem must not turn a reply that
was already sent to the visitor into an error.
"""

from __future__ import annotations

import logging
from asyncio import AbstractEventLoop
from functools import partial
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from clinic.notify import StaffNotifier, notify_and_record, run_in_background
from clinic.store.crisis_flags import CrisisFlag, mark_notification, record_crisis_flag
from clinic.store.db import default_engine

logger = logging.getLogger(__name__)

CRISIS_INTENT = "crisis"


def crisis_flag_from_event(event: dict[str, Any]) -> CrisisFlag | None:
    """The flag for a visitor message labelled crisis; None for any other event."""
    if event.get("event") != "user":
        return None
    parse_data = event.get("parse_data") or {}
    if (parse_data.get("intent") or {}).get("name") != CRISIS_INTENT:
        return None
    detection = parse_data.get("crisis_detection") or {}
    return CrisisFlag(
        conversation_id=str(event.get("sender_id") or ""),
        message=str(event.get("text") or ""),
        detection=str(detection.get("source") or "classifier"),
        categories=tuple(detection.get("categories") or ()),
    )


async def notify_staff(notifier: StaffNotifier, flag_id: int, flag: CrisisFlag) -> None:
    payload = {
        "type": "crisis_flag",
        "flag_id": flag_id,
        "conversation_id": flag.conversation_id,
        "message": flag.message,
        "detection": flag.detection,
        "categories": list(flag.categories),
    }
    record = partial(mark_notification, default_engine(), flag_id)
    await notify_and_record(notifier, payload, record, f"crisis flag {flag_id}")


class CrisisFlagBroker(EventBroker):
    """Event broker that records and announces crisis messages."""

    def __init__(self, notifier: StaffNotifier) -> None:
        self._notifier = notifier

    @classmethod
    async def from_endpoint_config(
        cls,
        broker_config: EndpointConfig,
        event_loop: AbstractEventLoop | None = None,
    ) -> CrisisFlagBroker:
        return cls(StaffNotifier.from_endpoints())

    def publish(self, event: dict[str, Any]) -> None:
        flag = crisis_flag_from_event(event)
        if flag is None:
            return
        try:
            flag_id = record_crisis_flag(default_engine(), flag)
        except Exception:  # the visitor already has the resources; keep serving
            logger.exception(
                "could not store the crisis flag of %s", flag.conversation_id
            )
            return
        try:
            run_in_background(notify_staff(self._notifier, flag_id, flag))
        except RuntimeError:  # no running event loop (e.g. a command-line tool)
            logger.warning(
                "crisis flag %s stored; no event loop to notify staff", flag_id
            )
