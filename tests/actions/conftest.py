"""Trackers for action tests, built from realistic tracker JSON in tests/data/."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from rasa_sdk import Tracker

DATA = Path(__file__).resolve().parents[1] / "data"


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
