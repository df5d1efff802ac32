"""Trackers for action tests, built from realistic tracker JSON in tests/data/."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


def tracker_from_file(name: str, **changes: Any) -> Tracker:
    state = json.loads((DATA / name).read_text(encoding="utf-8"))
    state.update(copy.deepcopy(changes))
    return Tracker.from_dict(state)


def with_extra_user_turn(state_file: str, parse_data: dict[str, Any]) -> Tracker:
    """The conversation in the file, followed by one more visitor message."""
    state = json.loads((DATA / state_file).read_text(encoding="utf-8"))
    state["events"] += [
        {"event": "action", "name": "action_clarify_unclear_message"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": parse_data.get("text", ""), "parse_data": parse_data},
    ]
    state["latest_message"] = parse_data
    return Tracker.from_dict(state)


@lru_cache(maxsize=1)
def domain() -> dict[str, Any]:
    return Domain.load(str(ROOT / "domain")).as_dict()


def parse(text: str, intent: str = "nlu_fallback", confidence: float = 0.4) -> dict:
    return {"text": text, "intent": {"name": intent, "confidence": confidence}}


def form_tracker(
    form: str,
    requested: str | None,
    text: str = "",
    intent: str = "nlu_fallback",
    confidence: float = 0.4,
    last_action: str = "action_listen",
    **slots: Any,
) -> Tracker:
    """A conversation inside `form`, the visitor having just answered."""
    message = parse(text, intent, confidence)
    events = [
        {"event": "action", "name": form},
        {"event": "active_loop", "name": form},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": message},
    ]
    if last_action != "action_listen":
        events.append({"event": "action", "name": last_action})
    events += [
        {"event": "slot", "name": "requested_slot", "value": requested},
        {"event": "action", "name": form},
    ]
    prefix = form.removesuffix("_form")
    defaults = {f"{prefix}_failures": 0, f"{prefix}_stop_pending": False}
    return Tracker.from_dict(
        {
            "sender_id": "visitor-1",
            "slots": {**defaults, **slots, "requested_slot": requested},
            "latest_message": message,
            "events": events,
            "active_loop": {"name": form},
            "latest_action_name": form,
        }
    )
