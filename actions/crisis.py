"""Flags a crisis conversation for staff follow-up: stored first, then notified.

The visitor's crisis resources are domain responses sent before this action
runs, so neither a database nor a webhook problem can delay or hide them.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.notify import StaffNotifier, run_in_background
from clinic.store.crisis_flags import CrisisFlag, mark_notification, record_crisis_flag
from clinic.store.db import default_engine

logger = logging.getLogger(__name__)


def crisis_flag_from(tracker: Tracker) -> CrisisFlag:
    parse_data = tracker.latest_message or {}
    detection = parse_data.get("crisis_detection") or {}
    return CrisisFlag(
        conversation_id=tracker.sender_id,
        message=str(parse_data.get("text") or ""),
        detection=str(detection.get("source") or "classifier"),
        categories=tuple(detection.get("categories") or ()),
    )


async def notify_staff(notifier: StaffNotifier, flag_id: int, flag: CrisisFlag) -> None:
    error = await notifier.send(
        {
            "type": "crisis_flag",
            "flag_id": flag_id,
            "conversation_id": flag.conversation_id,
            "message": flag.message,
            "detection": flag.detection,
            "categories": list(flag.categories),
        }
    )
    if error:
        logger.warning("crisis flag %s: staff notification failed: %s", flag_id, error)
    await asyncio.to_thread(mark_notification, default_engine(), flag_id, error)


class ActionFlagCrisis(Action):
    def name(self) -> str:
        return "action_flag_crisis"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        flag = crisis_flag_from(tracker)
        try:
            flag_id = await asyncio.to_thread(
                record_crisis_flag, default_engine(), flag
            )
        except Exception:
            # The visitor already has the resources; staff still see the
            # conversation in the tracker store. Never let this reach the visitor.
            logger.exception(
                "could not store the crisis flag for %s", flag.conversation_id
            )
            return []
        run_in_background(notify_staff(StaffNotifier.from_endpoints(), flag_id, flag))
        return []
