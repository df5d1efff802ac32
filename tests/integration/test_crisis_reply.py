"""The crisis reply's words, through the real Rasa server (issue 19, item 5).

Safe messaging: hope and a nudge towards someone they trust; honest that this
is an automated assistant and that the crisis line is open 24/7; "free",
"confidential" and "24/7" only for the lines that are; the region's emergency
number, never "the emergency room"; within the clinic's hours the team may be
offered after the crisis line, outside them nothing suggests waiting for the
clinic or a call-back. The same reply with the action server running and
stopped (the reply is written in the Rasa server, clinic/nlg.py), in and out of
the clinic's hours (set through CLINIC_CONFIG: live_chat.opening_hours open every
hour or none), for the US and GB.
"""

from __future__ import annotations

import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import textstat

from harness.conversation import Reply, Visitor
from harness.live_chat import ALWAYS_OPEN, NEVER_OPEN, clinic_config_with_hours
from harness.servers import (
    Assistant,
    action_server,
    base_environment,
    migrate,
    rasa_server,
)

CLINIC_PHONE = "(555) 010-0142"
CRISIS_MESSAGE = "i don't want to be alive anymore"
MEDICAL_ADVICE = "can i double my sertraline"
MAX_GRADE = 8.0
# One chat bubble that fits a 360 px phone screen without much scrolling.
MAX_WORDS_PER_MESSAGE = 90


@dataclass(frozen=True)
class Region:
    crisis_line: str  # what replies call the main line ({crisis_line})
    lines: tuple[str, ...]  # every line listed, as the visitor reads it
    emergency: str


# Written out in full, as checked against each service's own site (see
# config/crisis_resources.yml): a change of wording or of what a line promises
# must be made here on purpose too.
REGIONS = {
    "US": Region(
        crisis_line="call or text 988 (Suicide & Crisis Lifeline)",
        lines=(
            "Call or text 988, or chat at 988lifeline.org (988 Suicide & Crisis "
            "Lifeline). Free, confidential, open 24/7.",
            "Text HOME to 741741 (Crisis Text Line). Free, confidential, open 24/7.",
            "If you or someone else is in danger right now, call 911.",
        ),
        emergency="911",
    ),
    "GB": Region(
        crisis_line="call Samaritans free on 116 123",
        lines=(
            "Call Samaritans on 116 123. Free, confidential, open 24/7.",
            "Text SHOUT to 85258 (Shout). Free, confidential, open 24/7.",
            "If you or someone else is in danger right now, call 999.",
        ),
        emergency="999",
    ),
}
# Never said: emergency help by place or vague service instead of the number,
# promises an FAQ assistant cannot keep, a blanket "free and confidential".
NEVER_SAID = (
    "emergency room",
    "emergency department",
    "emergency services",
    "A&E",
    "still here",
    "keep talking",
    "free and confidential",
)
# Outside the clinic's hours the next step is the crisis line, not the clinic.
NO_CALL_BACK = ("call-back", "call back", "get back to you", "contact you", "reach you")


def crisis_reply_parts(reply: Reply) -> tuple[dict, dict]:
    """The two text messages of a crisis reply: the resources, then what's next."""
    assert reply.responses == ["utter_crisis_support", "utter_crisis_offer_person"]
    texts = [message for message in reply.messages if message.get("text")]
    assert len(texts) == 2, reply.messages
    data = [(m.get("custom") or {}).get("data") or {} for m in reply.messages]
    assert any("crisis_resources" in item for item in data), "the lines, as data"
    return texts[0], texts[1]


def buttons(message: dict) -> list[str]:
    return [button["payload"] for button in message.get("buttons") or []]


def assert_plain_and_short(text: str) -> None:
    grade = textstat.flesch_kincaid_grade(text)
    assert grade <= MAX_GRADE, f"grade {grade} for {text!r}"
    assert len(text.split()) <= MAX_WORDS_PER_MESSAGE, text


def assert_safe_crisis_reply(reply: Reply, region: Region, in_hours: bool) -> None:
    support, next_steps = crisis_reply_parts(reply)
    first, then = support["text"], next_steps["text"]
    for message in (first, then):
        assert_plain_and_short(message)
        for phrase in NEVER_SAID:
            assert phrase.lower() not in message.lower(), (phrase, message)

    # Hope, every line with what it promises (and only that), the emergency
    # number, then a nudge towards someone they trust.
    assert first.startswith("I'm really glad you told me.")
    assert "can ease with help" in first
    listed = [line.removeprefix("• ") for line in first.splitlines() if "•" in line]
    assert listed == list(region.lines)
    emergency_line = listed[-1]
    assert emergency_line.endswith(f"call {region.emergency}.")
    for promise in ("free", "confidential", "24/7"):
        assert promise not in emergency_line.lower()
    assert first.endswith("If you can, tell someone you trust how you feel too.")

    # Honest about what this is and about where help is at any hour.
    assert then.startswith("I'm an automated assistant, not a person")
    assert region.crisis_line in then and "open 24/7" in then
    assert buttons(next_steps)[0] == "/crisis", "the crisis lines come first"

    if in_hours:
        assert buttons(next_steps) == ["/crisis", "/human_handoff"]
        assert CLINIC_PHONE in then
        assert then.index(region.crisis_line) < then.index(CLINIC_PHONE), (
            "the crisis line before the clinic's office line"
        )
    else:
        assert buttons(next_steps) == ["/crisis"], "no person, no call-back offered"
        assert CLINIC_PHONE not in then
        assert "team is away right now" in then
        assert "don't wait for the clinic to open" in then
        for phrase in NO_CALL_BACK:
            assert phrase not in then.lower(), phrase


def new_visitor(assistant: Assistant) -> Visitor:
    return Visitor(assistant, f"crisis-reply-{uuid.uuid4().hex[:8]}")


def comparable(reply: Reply) -> list[tuple[str, list[str]]]:
    return [(m.get("text", ""), buttons(m)) for m in reply.messages]


@pytest.mark.parametrize(
    ("region_code", "in_hours"),
    [("US", True), ("US", False), ("GB", True), ("GB", False)],
    ids=["US-in-hours", "US-out-of-hours", "GB-in-hours", "GB-out-of-hours"],
)
def test_the_crisis_reply_with_and_without_the_action_server(
    region_code: str,
    in_hours: bool,
    model_path: Path,
    server_logs: Path,
    tmp_path: Path,
) -> None:
    region = REGIONS[region_code]
    database = f"sqlite:///{tmp_path / 'clinic.db'}"
    migrate(database)
    hours = ALWAYS_OPEN if in_hours else NEVER_OPEN
    env = {
        **base_environment(database),
        "CLINIC_CONFIG": str(clinic_config_with_hours(tmp_path, hours)),
        "CRISIS_REGION": region_code,
    }
    with ExitStack() as actions:
        action_url = actions.enter_context(action_server(env, server_logs))
        with rasa_server(model_path, env, server_logs, action_url) as assistant:
            # With the action server running.
            visitor = new_visitor(assistant)
            with_actions = visitor.say(CRISIS_MESSAGE)
            assert_safe_crisis_reply(with_actions, region, in_hours)
            if in_hours:
                # Reaching the team goes through the action server: nobody is
                # signed in to the console, so the visitor is told so honestly.
                person = visitor.say("/human_handoff")
                assert person.responses == ["utter_human_handoff"]
                assert "nobody" in person.text and region.crisis_line in person.text
            advice = new_visitor(assistant).say(MEDICAL_ADVICE)
            assert advice.responses == ["utter_out_of_scope/medical_advice"]
            assert f"In an emergency, call {region.emergency}." in advice.text

            # The action server stopped: the same words, still in the Rasa server.
            actions.close()
            without_actions = new_visitor(assistant).say(CRISIS_MESSAGE)
            assert_safe_crisis_reply(without_actions, region, in_hours)
            assert comparable(without_actions) == comparable(with_actions)
