"""Rasa events with the parse data the clinic's model writes
(clinic/components/linear_classifier.py: intent, ranking, response selector)."""

from __future__ import annotations

from typing import Any

from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)

RETRIEVAL_INTENTS = ("faq", "out_of_scope")


def parse_data(
    text: str, intent: str, confidence: float, key: str | None = None
) -> dict[str, Any]:
    runner_up = round(1.0 - confidence, 4)
    data: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [
            {"name": intent, "confidence": confidence},
            {"name": "greet" if intent != "greet" else "faq", "confidence": runner_up},
        ],
        "entities": [],
        "response_selector": {"all_retrieval_intents": list(RETRIEVAL_INTENTS)},
    }
    if key is not None:
        data["response_selector"][intent] = {
            "response": {
                "responses": [{"text": "an answer"}],
                "confidence": confidence,
                "intent_response_key": key,
                "utter_action": f"utter_{key}",
            },
            "ranking": [{"intent_response_key": key, "confidence": confidence}],
        }
    return data


def said(
    text: str, at: float, intent: str, confidence: float, key: str | None = None
) -> UserUttered:
    parsed = parse_data(text, intent, confidence, key)
    return UserUttered(
        text, parsed["intent"], [], parsed, timestamp=at, input_channel="socketio"
    )


def answered(text: str, at: float, action: str = "utter_faq") -> list[Event]:
    return [
        ActionExecuted(action, timestamp=at),
        BotUttered(text, {}, {"utter_action": action}, timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
    ]


def staff_said(name: str, text: str, at: float) -> BotUttered:
    data = {"custom": {"data": {"text": text, "staff_name": name}}}
    return BotUttered(None, data, {"staff_reply": True}, timestamp=at)


def slot(name: str, value: Any, at: float) -> SlotSet:
    return SlotSet(name, value, timestamp=at)


def session_start(at: float) -> list[Event]:
    return [
        ActionExecuted("action_session_start", timestamp=at),
        SessionStarted(timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
    ]
