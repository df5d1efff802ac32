"""The booking form's validation and submit actions, with the project's real domain
and a real SQLite database (the end-to-end conversations are in
tests/integration/test_booking_flow.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import ActionAnswerYes, ActionSubmitBooking, ValidateBookingForm
from clinic import notify
from clinic.booking.validators import ERROR_CODES
from clinic.notify import wait_for_background_notifications
from clinic.store.booking_requests import list_booking_requests
from clinic.store.db import engine_for
from clinic.store.migrate import upgrade
from harness.servers import free_port
from tests.actions.conftest import domain, form_tracker, parse

ROOT = Path(__file__).resolve().parents[2]
FORM = "booking_form"


def booking_tracker(requested: str | None, *args: Any, **slots: Any) -> Tracker:
    return form_tracker(FORM, requested, *args, **slots)


async def validate(tracker: Tracker) -> tuple[dict[str, Any], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await ValidateBookingForm().run(dispatcher, tracker, domain())
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, [
        m["response"] for m in dispatcher.messages
    ]


async def test_a_valid_answer_is_normalised_and_the_next_question_chosen() -> None:
    slots, _ = await validate(booking_tracker("booking_first_name", "my name is sam"))
    assert slots["booking_first_name"] == "Sam"
    assert slots["booking_error"] is None and slots["booking_failures"] == 0
    assert slots["requested_slot"] == "booking_contact"


async def test_a_wrong_answer_is_refused_with_its_reason() -> None:
    tracker = booking_tracker("booking_contact", "555-0143", booking_first_name="Sam")
    slots, _ = await validate(tracker)
    assert slots["booking_contact"] is None
    assert slots["booking_error"] == "phone_too_short"
    assert slots["booking_failures"] == 1
    assert slots["requested_slot"] == "booking_contact"


async def test_the_third_wrong_answer_ends_the_form() -> None:
    tracker = booking_tracker(
        "booking_contact", "no idea", booking_first_name="Sam", booking_failures=2
    )
    slots, _ = await validate(tracker)
    assert slots["booking_outcome"] == "too_many_tries"
    assert slots["requested_slot"] is None


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("i want to end my life", "crisis", 1.0),
        ("how long does an infusion take", "faq", 0.95),
        ("can i talk to someone real", "human_handoff", 0.9),
    ],
)
async def test_asides_are_left_to_the_dialogue_rules(
    text: str, intent: str, confidence: float
) -> None:
    tracker = booking_tracker("booking_first_name", text, intent, confidence)
    slots, _ = await validate(tracker)
    assert "booking_first_name" not in slots, "nothing extracted: Rasa rejects"


async def test_a_valid_answer_wins_over_a_confident_aside_intent() -> None:
    tracker = booking_tracker(
        "booking_days", "tuesday", "faq", 0.9, booking_first_name="Sam"
    )
    slots, _ = await validate(tracker)
    assert slots["booking_days"] == "Tuesday"


async def test_stop_asks_for_confirmation_first() -> None:
    slots, _ = await validate(booking_tracker("booking_days", "stop", "cancel", 0.9))
    assert slots["booking_stop_pending"] is True
    assert slots["requested_slot"] == "booking_stop_confirmed"


async def test_stop_confirmed_ends_the_form() -> None:
    tracker = booking_tracker(
        "booking_stop_confirmed", "yes", "affirm", 0.99, booking_stop_pending=True
    )
    slots, _ = await validate(tracker)
    assert slots["booking_outcome"] == "stopped" and slots["requested_slot"] is None


async def test_stop_taken_back_resumes_the_form() -> None:
    tracker = booking_tracker(
        "booking_stop_confirmed",
        "no",
        "deny",
        0.99,
        booking_stop_pending=True,
        booking_first_name="Sam",
    )
    slots, responses = await validate(tracker)
    assert responses == ["utter_booking_continue"]
    assert slots["booking_stop_pending"] is False
    assert slots["requested_slot"] == "booking_contact"


async def test_skip_answers_the_optional_question_instead_of_stopping() -> None:
    tracker = booking_tracker("booking_hopes", "skip", "cancel", 0.8)
    slots, _ = await validate(tracker)
    assert slots["booking_hopes"] == ""
    assert "booking_stop_pending" not in slots or not slots["booking_stop_pending"]


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("how much does it cost?", "faq", 0.96),
        ("can I talk to someone about my options", "human_handoff", 0.9),
        ("what can you do", "help", 0.9),
    ],
)
async def test_hopes_are_taken_as_typed_whatever_their_intent(
    text: str, intent: str, confidence: float
) -> None:
    later = ("booking_hopes", "booking_consent")
    answered = {slot: v for slot, v in ANSWERS.items() if slot not in later}
    tracker = booking_tracker("booking_hopes", text, intent, confidence, **answered)
    slots, _ = await validate(tracker)
    assert slots["booking_hopes"] == text
    assert slots["requested_slot"] == "booking_consent"


async def test_a_crisis_typed_as_hopes_is_left_to_the_crisis_rule() -> None:
    tracker = booking_tracker("booking_hopes", "i want to end my life", "crisis", 1.0)
    slots, _ = await validate(tracker)
    assert "booking_hopes" not in slots, "nothing extracted: Rasa rejects"


async def test_stop_typed_as_hopes_is_confirmed_first() -> None:
    slots, _ = await validate(booking_tracker("booking_hopes", "stop", "cancel", 0.9))
    assert slots["booking_stop_pending"] is True
    assert slots["requested_slot"] == "booking_stop_confirmed"


async def test_resuming_after_an_aside_asks_afresh() -> None:
    tracker = booking_tracker(
        "booking_contact",
        "how long does it take",
        "faq",
        0.95,
        last_action="utter_faq",
        booking_error="phone_too_short",
    )
    slots, _ = await validate(tracker)
    assert "booking_contact" not in slots
    assert slots["booking_error"] is None


async def test_no_consent_ends_the_form() -> None:
    slots, _ = await validate(booking_tracker("booking_consent", "no", "deny", 0.95))
    assert slots["booking_consent"] is False
    assert slots["booking_outcome"] == "no_consent"


ANSWERS = {
    "booking_first_name": "Sam",
    "booking_contact": "+12025550143",
    "booking_days": "Weekdays",
    "booking_time": "Morning",
    "booking_hopes": "",
    "booking_consent": True,
}


async def test_a_correction_at_the_summary_reopens_that_question() -> None:
    tracker = booking_tracker(
        "booking_confirmed", "the days are wrong", "deny", 0.7, **ANSWERS
    )
    slots, _ = await validate(tracker)
    assert slots["booking_days"] is None and slots["booking_confirmed"] is None
    assert slots["requested_slot"] == "booking_days"


async def test_a_new_address_at_the_summary_replaces_the_old_one() -> None:
    tracker = booking_tracker("booking_confirmed", "use jo@example.org instead")
    slots, _ = await validate(tracker)
    assert slots["booking_contact"] == "jo@example.org"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("STAFF_WEBHOOK_URL", "")
    yield url
    engine_for(url).dispose()


def confirmed_tracker(**slots: Any) -> Tracker:
    answers = {**ANSWERS, "booking_confirmed": True, "booking_outcome": "confirmed"}
    return booking_tracker(None, **{**answers, **slots})


async def submit(tracker: Tracker) -> tuple[dict[str, Any], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitBooking().run(dispatcher, tracker, domain())
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, (
        dispatcher.messages
    )


async def test_a_confirmed_request_is_stored_before_it_is_acknowledged(
    database: str,
) -> None:
    slots, [message] = await submit(confirmed_tracker())
    [row] = list_booking_requests(engine_for(database), status=None)
    assert message["response"] == "utter_booking_received"
    assert message["reference"] == row["reference"]
    assert row["contact"] == "+12025550143" and row["contact_kind"] == "phone"
    assert slots["booking_contact"] is None, "answers are forgotten once stored"


async def test_a_database_failure_is_admitted_and_the_answers_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "no-such-directory" / "clinic.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{missing}")
    slots, [message] = await submit(confirmed_tracker())
    assert message["response"] == "utter_booking_not_saved"
    assert "reference" not in message
    assert "booking_contact" not in slots, "kept, so 'try again' resends them"
    assert slots["booking_outcome"] is None


async def test_a_failing_staff_notification_keeps_the_request(
    database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("STAFF_WEBHOOK_URL", f"http://127.0.0.1:{free_port()}/staff")
    quick_retries = tmp_path / "endpoints.yml"
    quick_retries.write_text(
        "staff_notifications:\n  webhook_url: ${STAFF_WEBHOOK_URL}\n"
        "  attempts: 2\n  retry_delay_seconds: 0.05\n"
    )
    monkeypatch.setattr(notify, "ENDPOINTS_FILE", quick_retries)
    _, [message] = await submit(confirmed_tracker())
    assert message["response"] == "utter_booking_received", "not held up"
    await wait_for_background_notifications()
    [row] = list_booking_requests(engine_for(database), status=None)
    assert row["reference"] == message["reference"]
    assert row["notify_error"].startswith("webhook unreachable")
    assert row["notified_at"] is None


@pytest.mark.parametrize(
    ("outcome", "response"),
    [
        ("stopped", "utter_booking_stopped"),
        ("no_consent", "utter_booking_no_consent"),
        ("too_many_tries", "utter_booking_too_many_tries"),
    ],
)
async def test_other_endings_store_nothing(
    database: str, outcome: str, response: str
) -> None:
    tracker = confirmed_tracker(booking_confirmed=None, booking_outcome=outcome)
    _, [message] = await submit(tracker)
    assert message["response"] == response
    assert list_booking_requests(engine_for(database), status=None) == []


def after_bot_message(buttons: list[dict], crisis_mode: bool = False) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": "visitor-2",
            "slots": {"crisis_mode": crisis_mode},
            "latest_message": parse("yes", "affirm", 0.99),
            "events": [
                {"event": "bot", "text": "An answer.", "data": {"buttons": buttons}},
                {"event": "user", "text": "yes", "parse_data": parse("yes")},
            ],
        }
    )


@pytest.mark.parametrize(
    ("buttons", "crisis_mode", "starts_booking"),
    [
        ([{"title": "Book", "payload": "/book_appointment"}], False, True),
        ([{"title": "Cost", "payload": "How much?"}], False, False),
        ([{"title": "Book", "payload": "/book_appointment"}], True, False),
    ],
)
async def test_yes_accepts_only_a_booking_offer_that_was_made(
    buttons: list[dict], crisis_mode: bool, starts_booking: bool
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerYes().run(
        dispatcher, after_bot_message(buttons, crisis_mode), domain()
    )
    if starts_booking:
        assert events == [{"event": "followup", "name": FORM, "timestamp": None}]
        assert dispatcher.messages == []
    else:
        assert events == []
        assert [m["response"] for m in dispatcher.messages] == ["utter_affirm"]


def test_every_mistake_the_validators_name_has_its_own_re_ask() -> None:
    asks = {
        condition["value"]
        for name, variations in domain()["responses"].items()
        if name.startswith("utter_ask_booking")
        for variation in variations
        for condition in variation.get("condition") or []
    }
    assert asks >= ERROR_CODES, ERROR_CODES - asks
