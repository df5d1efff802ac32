"""The call-back request: its form and the action that stores it, with the real
domain and a real SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionSubmitCallback, ValidateCallbackForm, handoff_reason
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
