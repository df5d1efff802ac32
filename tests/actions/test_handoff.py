"""The call-back request: its form and the action that stores it, with the real
domain and a real SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import (
    ActionAnswerDetailsOutsideForm,
    ActionSubmitCallback,
    ValidateCallbackForm,
    handoff_reason,
)
from clinic.store.db import engine_for
from clinic.store.handoff_tickets import list_handoff_tickets
from clinic.store.migrate import upgrade
from tests.actions.conftest import domain, form_tracker, parse

FORM = "callback_form"


async def validate(tracker: Tracker) -> dict[str, Any]:
    events = await ValidateCallbackForm().run(CollectingDispatcher(), tracker, domain())
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_answers_given_while_booking_are_carried_over() -> None:
    tracker = form_tracker(
        FORM,
        None,
        "yes",
        "affirm",
        0.99,
        booking_first_name="Sam",
        booking_contact="+12025550143",
    )
    slots = await validate(tracker)
    assert slots["callback_first_name"] == "Sam"
    assert slots["callback_contact"] == "+12025550143"
    assert slots["requested_slot"] == "callback_message"


async def test_a_question_is_a_fine_message() -> None:
    tracker = form_tracker(
        FORM,
        "callback_message",
        "can you tell me about the cost?",
        "faq",
        0.97,
        callback_first_name="Sam",
        callback_contact="+12025550143",
    )
    slots = await validate(tracker)
    assert slots["callback_message"] == "can you tell me about the cost?"
    assert slots["callback_outcome"] == "confirmed"


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("please call me about the cost", "faq", 0.97),
        ("what can you do?", "help", 0.9),
        ("can I talk to a real person?", "human_handoff", 0.95),
        ("are you a bot", "bot_challenge", 0.9),
        ("how many mg should I take", "out_of_scope", 0.9),
    ],
)
async def test_the_message_is_taken_as_typed_whatever_its_intent(
    text: str, intent: str, confidence: float
) -> None:
    tracker = form_tracker(
        FORM,
        "callback_message",
        text,
        intent,
        confidence,
        callback_first_name="Sam",
        callback_contact="+12025550143",
    )
    slots = await validate(tracker)
    assert slots["callback_message"] == text
    assert slots["callback_outcome"] == "confirmed"


async def test_a_crisis_typed_as_the_message_is_left_to_the_crisis_rule() -> None:
    tracker = form_tracker(
        FORM,
        "callback_message",
        "i want to end my life",
        "crisis",
        1.0,
        callback_first_name="Sam",
        callback_contact="+12025550143",
    )
    slots = await validate(tracker)
    assert "callback_message" not in slots, "nothing extracted: Rasa rejects"
    assert "callback_outcome" not in slots


async def test_stop_typed_as_the_message_is_confirmed_first() -> None:
    tracker = form_tracker(
        FORM,
        "callback_message",
        "stop",
        "cancel",
        0.9,
        callback_first_name="Sam",
        callback_contact="+12025550143",
    )
    slots = await validate(tracker)
    assert slots["callback_stop_pending"] is True
    assert slots["requested_slot"] == "callback_stop_confirmed"
    assert "callback_message" not in slots


def accepting_the_offer(offer: str, typed: str = "(202) 555-0143") -> Tracker:
    """A visitor typed `typed` on its own, was answered with `offer`, said yes."""
    yes = parse("yes", "affirm", 0.99)
    tracker = form_tracker(FORM, None, "yes", "affirm", 0.99)
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": typed, "parse_data": parse(typed, "inform", 1.0)},
        {"event": "action", "name": "action_answer_details_outside_form"},
        {"event": "bot", "text": "...", "metadata": {"utter_action": offer}},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "yes", "parse_data": yes},
        {"event": "action", "name": FORM},
    ]
    return Tracker.from_dict({**tracker.current_state(), "events": events})


async def test_yes_to_the_offer_takes_the_number_typed_on_its_own() -> None:
    slots = await validate(accepting_the_offer("utter_offer_call_back_for_contact"))
    assert slots["callback_contact"] == "+12025550143"
    assert slots["requested_slot"] == "callback_first_name"


async def test_the_number_typed_wins_over_the_one_given_while_booking() -> None:
    tracker = accepting_the_offer("utter_offer_call_back_for_contact", "jo@example.org")
    state = tracker.current_state()
    state["slots"].update(booking_first_name="Sam", booking_contact="+12025550143")
    slots = await validate(Tracker.from_dict(state))
    assert slots["callback_contact"] == "jo@example.org"
    assert slots["callback_first_name"] == "Sam"
    assert slots["requested_slot"] == "callback_message"


@pytest.mark.parametrize(
    ("offer", "typed"),
    [
        ("utter_human_handoff", "(202) 555-0143"),  # a yes to another offer
        ("utter_offer_call_back_for_contact", "555-0143"),  # no usable number
    ],
)
async def test_no_contact_is_taken_without_a_yes_to_its_offer(
    offer: str, typed: str
) -> None:
    slots = await validate(accepting_the_offer(offer, typed))
    assert "callback_contact" not in slots
    assert slots["requested_slot"] == "callback_first_name"


async def answer_outside_form(parse_data: dict) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    tracker = Tracker.from_dict(
        {
            "sender_id": "visitor-4",
            "slots": {},
            "latest_message": parse_data,
            "events": [
                {"event": "action", "name": "action_listen"},
                {"event": "user", "text": parse_data["text"], "parse_data": parse_data},
            ],
        }
    )
    events = await ActionAnswerDetailsOutsideForm().run(dispatcher, tracker, domain())
    return events, dispatcher.messages


@pytest.mark.parametrize(
    ("text", "readability"),
    [
        ("robin@example.org", {"contact_details": "email"}),
        ("202 555 0143", {"contact_details": "phone"}),
        ("my number is 202 555 0143", {"has_words": True}),
    ],
)
async def test_contact_details_outside_a_form_get_the_offer_and_are_not_kept(
    text: str, readability: dict
) -> None:
    events, [message] = await answer_outside_form(
        {**parse(text, "inform", 0.9), "readability": readability}
    )
    assert message["response"] == "utter_offer_call_back_for_contact"
    assert events == [], "no slot set: nothing is kept"


async def test_other_answers_outside_a_form_get_the_default_reply() -> None:
    events, [message] = await answer_outside_form(parse("weekdays", "inform", 0.9))
    assert message["response"] == "utter_default"
    assert [event["event"] for event in events] == ["rewind"]


async def test_a_wrong_contact_is_refused_with_its_reason() -> None:
    tracker = form_tracker(
        FORM, "callback_contact", "jo@example", callback_first_name="Sam"
    )
    slots = await validate(tracker)
    assert slots["callback_contact"] is None
    assert slots["callback_error"] == "email_invalid"


def conversation(offer: str, crisis_mode: bool = False) -> Tracker:
    handoff = parse("/human_handoff", "human_handoff", 1.0)
    return Tracker.from_dict(
        {
            "sender_id": "visitor-3",
            "slots": {"crisis_mode": crisis_mode},
            "latest_message": parse("yes", "affirm", 0.99),
            "events": [
                {"event": "bot", "text": "...", "metadata": {"utter_action": offer}},
                {"event": "user", "text": "/human_handoff", "parse_data": handoff},
                {"event": "bot", "metadata": {"utter_action": "utter_human_handoff"}},
                {"event": "user", "text": "yes", "parse_data": parse("yes", "affirm")},
            ],
        }
    )


@pytest.mark.parametrize(
    ("offer", "crisis_mode", "reason"),
    [
        ("utter_faq/cost", False, "visitor_asked"),
        ("utter_offer_person_after_misunderstanding", False, "misunderstood"),
        ("utter_booking_not_saved", False, "booking_failed"),
        ("utter_crisis_offer_person", False, "after_crisis"),
        ("utter_faq/cost", True, "after_crisis"),
    ],
)
def test_the_reason_is_the_offer_the_visitor_accepted(
    offer: str, crisis_mode: bool, reason: str
) -> None:
    assert handoff_reason(conversation(offer, crisis_mode)) == reason


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("STAFF_WEBHOOK_URL", "")
    yield url
    engine_for(url).dispose()


def filled_in(**slots: Any) -> Tracker:
    answers = {
        "callback_first_name": "Robin",
        "callback_contact": "robin@example.org",
        "callback_message": "",
        "callback_outcome": "confirmed",
    }
    return form_tracker(FORM, None, **{**answers, **slots})


async def submit(tracker: Tracker) -> tuple[dict[str, Any], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitCallback().run(dispatcher, tracker, domain())
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return slots, dispatcher.messages


async def test_the_ticket_is_stored_before_it_is_acknowledged(database: str) -> None:
    slots, [message] = await submit(filled_in())
    [ticket] = list_handoff_tickets(engine_for(database))
    assert message["response"] == "utter_callback_received"
    assert message["reference"] == ticket["reference"]
    assert (ticket["kind"], ticket["contact_kind"]) == ("callback", "email")
    assert slots["callback_contact"] is None


async def test_a_database_failure_is_admitted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'none' / 'c.db'}")
    slots, [message] = await submit(filled_in())
    assert message["response"] == "utter_callback_not_saved"
    assert "callback_contact" not in slots, "kept for 'try again'"


async def test_stopping_stores_nothing(database: str) -> None:
    _, [message] = await submit(filled_in(callback_outcome="stopped"))
    assert message["response"] == "utter_callback_stopped"
    assert list_handoff_tickets(engine_for(database)) == []
