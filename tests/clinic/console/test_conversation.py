"""Transcripts as staff read them, and the turns the console adds."""

from __future__ import annotations

from clinic.console.conversation import (
    joined_events,
    leaving_events,
    staff_reply_events,
    transcript,
)
from clinic.console.responses import ResponseTexts
from clinic.settings import current_settings
from harness.servers import PROJECT_ROOT


def test_the_transcript_names_who_said_what() -> None:
    tracker = {
        "events": [
            {
                "event": "user",
                "text": "hi",
                "timestamp": 1.0,
                "parse_data": {"intent": {"name": "greet"}},
            },
            {"event": "bot", "text": "Hello!", "timestamp": 2.0},
            {"event": "user", "text": "EXTERNAL: something", "timestamp": 2.5},
            *staff_reply_events("Dana", "Hi, I'm Dana."),
            {
                "event": "user",
                "text": "i want to die",
                "timestamp": 4.0,
                "parse_data": {"intent": {"name": "crisis"}},
            },
            {"event": "slot", "name": "x", "value": 1},
        ]
    }
    lines = transcript(tracker)
    assert [(line.speaker, line.text) for line in lines] == [
        ("visitor", "hi"),
        ("assistant", "Hello!"),
        ("staff", "Hi, I'm Dana."),
        ("visitor", "i want to die"),
    ]
    assert lines[2].staff_name == "Dana"
    assert [line.crisis for line in lines] == [False, False, False, True]


def test_staff_replies_reach_the_widget_as_text_with_a_name() -> None:
    [event] = staff_reply_events("Dana", "Hello")
    # Rasa's socket.io output emits custom["data"] as the bot_uttered payload.
    assert event["data"]["custom"]["data"] == {"text": "Hello", "staff_name": "Dana"}


def test_added_turns_look_like_the_assistant_took_them() -> None:
    responses = ResponseTexts(PROJECT_ROOT / "domain", current_settings())
    joined = responses.render(
        "utter_handoff_staff_joined", {"handoff_staff_name": "Dana"}
    )
    assert (
        joined["text"]
        == "Dana from Harbor Light Ketamine Clinic's team has joined the chat."
    )
    events = joined_events("Dana", joined)
    assert [e["event"] for e in events] == ["slot", "slot", "action", "bot", "action"]
    assert events[-1]["name"] == "action_listen"
    offer = responses.render("utter_handoff_timeout", {})
    assert [b["payload"] for b in offer["buttons"]] == ["/affirm", "/deny"]
    leaving = leaving_events("utter_handoff_timeout", offer)
    assert {e["name"]: e["value"] for e in leaving if e["event"] == "slot"} == {
        "handoff_state": None,
        "handoff_ticket": None,
        "handoff_staff_name": None,
    }
    assert leaving[4]["data"]["buttons"] == offer["buttons"]
