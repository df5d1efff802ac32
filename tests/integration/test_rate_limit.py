"""A flood from one conversation is limited, through the real Rasa server
(issue 24, item 6): over its rate a conversation is answered at once, without
the message being read, and that answer carries crisis resources."""

from __future__ import annotations

import uuid

import requests

from clinic.channels.rate_limit import DEFAULT_PER_MINUTE, LIMITED_EVENT
from harness.servers import Assistant, clinic_settings

CRISIS = clinic_settings().crisis


def post(assistant: Assistant, sender: str, text: str) -> requests.Response:
    return requests.post(
        f"{assistant.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        timeout=30,
    )


def test_a_flooding_conversation_is_limited_and_still_gets_crisis_help(
    assistant: Assistant,
) -> None:
    flood = f"flood-{uuid.uuid4().hex[:8]}"
    for n in range(DEFAULT_PER_MINUTE):
        assert post(assistant, flood, f"hello {n}").status_code == 200
    limited = post(assistant, flood, "i want to kill myself")
    assert limited.status_code == 429
    answer = limited.json()
    assert answer["error"] == LIMITED_EVENT
    [reply] = answer["messages"]
    assert CRISIS.short in reply["text"] and CRISIS.emergency in reply["text"]
    # Another visitor is not slowed by it.
    other = post(assistant, f"calm-{uuid.uuid4().hex[:8]}", "hello")
    assert other.status_code == 200 and other.json()
