"""Visitors' words never reach the logs (issue 24, item 8).

Rasa's structured log events carry the visitor's text and what was parsed from
it (``text``, ``parse_data_text``, slot values, events...), at debug level and
on errors alike ("rest.message.received.failure" logs the whole message). Rasa
runs every event through one processor for exactly these keys, an anonymizer
that does nothing without Rasa Pro; this replaces it with one that puts a
length and a short hash in their place: enough to tell two log lines about the
same message apart, nothing to read a disclosure or a phone number from.
"""

from __future__ import annotations

import hashlib
from typing import Any

# The keys Rasa's own anonymizer names (rasa/utils/log_utils.py).
VISITOR_TEXT_KEYS = (
    "text",
    "response_text",
    "user_text",
    "slot_values",
    "parse_data_text",
    "parse_data_entities",
    "prediction_events",
    "tracker_latest_message",
    "prefilled_slots",
    "message",
    "response",
    "slot_candidates",
    "rasa_event",
    "rasa_events",
    "tracker_states",
    "current_states",
    "old_states",
    "successes",
    "current_entity",
    "next_entity",
    "states",
    "entity",
    "token_text",
    "user_message",
    "json_message",
)


def redacted(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:12]
    return f"<redacted {len(text)} chars sha256:{digest}>"


def redact_visitor_text(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """A structlog processor: each visitor-text key's value becomes ``redacted``."""
    for key in VISITOR_TEXT_KEYS:
        if event_dict.get(key) not in (None, "", [], {}):
            event_dict[key] = redacted(event_dict[key])
    return event_dict


def keep_visitor_text_out_of_logs() -> None:
    """Before Rasa configures its logging: its anonymizer becomes the redactor."""
    import rasa.utils.log_utils

    rasa.utils.log_utils._anonymizer = redact_visitor_text
