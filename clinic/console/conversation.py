"""A conversation as staff read it, and the events the console adds to it.

The console changes a conversation only by appending events through Rasa's
``POST /conversations/{id}/tracker/events?execute_side_effects=true`` with
``output_channel=latest``: Rasa stores them and sends their bot messages to the
visitor's channel (the website chat's socket.io connection) at once.

Each turn the console adds looks to Rasa's rules like one the assistant took
itself (``ActionExecuted`` of the response, its ``BotUttered``, then
``action_listen``), so that, for example, a "yes" after the time-out's
call-back offer starts the call-back form.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from clinic.intent_names import CRISIS

HANDOFF_STATE, HANDOFF_TICKET = "handoff_state", "handoff_ticket"
HANDOFF_STAFF_NAME = "handoff_staff_name"
ACTION_LISTEN = "action_listen"


@dataclass(frozen=True)
class Line:
    """One message of a transcript."""

    speaker: str  # "visitor", "assistant" or "staff"
    text: str
    at: float  # Unix time
    staff_name: str = ""
    intent: str = ""
    crisis: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "speaker": self.speaker,
            "text": self.text,
            "at": self.at,
            "staff_name": self.staff_name,
            "intent": self.intent,
            "crisis": self.crisis,
        }


def _staff_payload(event: dict[str, Any]) -> dict[str, Any] | None:
    custom = (event.get("data") or {}).get("custom") or {}
    payload = custom.get("data") if isinstance(custom, dict) else None
    if isinstance(payload, dict) and payload.get("staff_name"):
        return payload
    return None


def _user_line(event: dict[str, Any]) -> Line | None:
    intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
    text = event.get("text") or ""
    if not text or text.startswith("EXTERNAL:"):
        return None
    return Line(
        "visitor",
        text,
        event.get("timestamp") or 0.0,
        intent=intent,
        crisis=intent == CRISIS,
    )


def _bot_line(event: dict[str, Any]) -> Line | None:
    staff = _staff_payload(event)
    if staff is not None:
        return Line(
            "staff",
            str(staff.get("text") or ""),
            event.get("timestamp") or 0.0,
            staff_name=str(staff["staff_name"]),
        )
    text = event.get("text") or ""
    if not text:
        return None
    return Line("assistant", text, event.get("timestamp") or 0.0)


def transcript(tracker: dict[str, Any]) -> list[Line]:
    """The messages of a conversation, oldest first."""
    lines = []
    for event in tracker.get("events") or []:
        kind = event.get("event")
        line = (
            _user_line(event)
            if kind == "user"
            else (_bot_line(event) if kind == "bot" else None)
        )
        if line is not None:
            lines.append(line)
    return lines


def slot_event(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value, "timestamp": time.time()}


def response_turn(response_name: str, message: dict[str, Any]) -> list[dict[str, Any]]:
    """The events of the assistant saying `message` (rendered `response_name`)."""
    now = time.time()
    data: dict[str, Any] = {}
    if message.get("buttons"):
        data["buttons"] = message["buttons"]
    return [
        {"event": "action", "name": response_name, "timestamp": now},
        {
            "event": "bot",
            "text": message.get("text"),
            "data": data,
            "metadata": {"utter_action": response_name},
            "timestamp": now,
        },
        {"event": "action", "name": ACTION_LISTEN, "timestamp": now},
    ]


def staff_reply_events(staff_name: str, text: str) -> list[dict[str, Any]]:
    """A staff member's message. It travels as custom data, so the website chat
    receives ``{"text": ..., "staff_name": ...}`` and labels it with their name."""
    return [
        {
            "event": "bot",
            "text": None,
            "data": {"custom": {"data": {"text": text, "staff_name": staff_name}}},
            "metadata": {"staff_reply": True},
            "timestamp": time.time(),
        }
    ]


def joined_events(staff_name: str, message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        slot_event(HANDOFF_STATE, "live"),
        slot_event(HANDOFF_STAFF_NAME, staff_name),
        *response_turn("utter_handoff_staff_joined", message),
    ]


def leaving_events(response_name: str, message: dict[str, Any]) -> list[dict[str, Any]]:
    """The chat with staff ends (handed back, closed, timed out): the assistant
    answers again from the next message."""
    return [
        slot_event(HANDOFF_STATE, None),
        slot_event(HANDOFF_TICKET, None),
        slot_event(HANDOFF_STAFF_NAME, None),
        *response_turn(response_name, message),
    ]
