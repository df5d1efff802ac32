"""Booking a consultation: the form's answers, the stored request, staff notice.

The order of `action_submit_booking` is the point: the request is written to the
database first, and only a committed row earns the visitor a reference code.
Contact details are never logged; the staff webhook carries the reference and
what staff need to plan the call, not the phone number or email address.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from functools import partial
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import (
    ClinicFormValidationAction,
    Outcome,
    form_reset_events,
    store_then_acknowledge,
)
from clinic.booking.validators import (
    Parsed,
    contact_kind,
    parse_consent,
    parse_contact,
    parse_days,
    parse_first_name,
    parse_hopes,
    parse_time_of_day,
    which_booking_field,
)
from clinic.notify import StaffNotifier, notify_and_record, run_in_background
from clinic.settings import current_settings
from clinic.store.booking_requests import (
    BookingRequest,
    mark_booking_notification,
    store_booking_request,
)
from clinic.store.db import default_engine

FORM = "booking_form"
NAME, CONTACT, DAYS, TIME = (
    "booking_first_name",
    "booking_contact",
    "booking_days",
    "booking_time",
)
HOPES, CONSENT, CONFIRMED = "booking_hopes", "booking_consent", "booking_confirmed"
ERROR, FAILURES, OUTCOME = "booking_error", "booking_failures", "booking_outcome"
STOP_PENDING, STOP_CONFIRMED = "booking_stop_pending", "booking_stop_confirmed"
QUESTIONS = (NAME, CONTACT, DAYS, TIME, HOPES, CONSENT, CONFIRMED)
ASK_WHICH_FIELD = "confirm_which_field"
BOOKING_PAYLOAD = "/book_appointment"
CRISIS_MODE_SLOT = "crisis_mode"

_SEND_IT = re.compile(
    r"\b(send( it)?|submit|confirm(ed)?|that'?s (right|correct|fine)|"
    r"(all|looks) (good|correct|right|fine)|perfect|spot on)\b"
)
_HESITATION = re.compile(r"\b(no|not|don'?t|wrong|change|wait)\b")


def confirms_summary(text: str) -> bool:
    """ "yes, send it", "that's right": the summary is confirmed."""
    lowered = text.lower()
    return bool(_SEND_IT.search(lowered)) and not _HESITATION.search(lowered)


def parse_contact_for_clinic(text: str) -> Parsed:
    return parse_contact(text, default_region=current_settings().phone_region)


class ValidateBookingForm(ClinicFormValidationAction):
    """Checks each answer of the booking form and says what to fix."""

    slot_prefix = "booking"
    # What they hope for is in their own words, even when it reads as a question.
    free_text_slots = frozenset({HOPES})

    def name(self) -> str:
        return "validate_booking_form"

    def parses_as_answer(self, slot: str, text: str) -> bool:
        parsers = {
            NAME: parse_first_name,
            CONTACT: parse_contact_for_clinic,
            DAYS: parse_days,
            TIME: parse_time_of_day,
            CONSENT: parse_consent,
        }
        if slot == CONFIRMED:
            return which_booking_field(text) is not None
        parser = parsers.get(slot)
        return bool(parser and parser(text).ok)

    def is_skip_answer(self, slot: str, text: str) -> bool:
        return slot == HOPES and parse_hopes(text).value == ""

    def validate_booking_first_name(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return self.check(NAME, value, tracker, parse_first_name(str(value or "")))

    def validate_booking_contact(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        parsed = parse_contact_for_clinic(str(value or ""))
        return self.check(CONTACT, value, tracker, parsed)

    def validate_booking_days(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        text = str(value or "")
        result = self.check(DAYS, value, tracker, parse_days(text))
        if self.is_fresh_answer(tracker, DAYS):
            # "Tuesday mornings" answers the next question too.
            time_of_day = parse_time_of_day(text)
            if time_of_day.ok and not tracker.get_slot(TIME):
                result[TIME] = time_of_day.value
        return result

    def validate_booking_time(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return self.check(TIME, value, tracker, parse_time_of_day(str(value or "")))

    def validate_booking_hopes(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return self.check(HOPES, value, tracker, parse_hopes(str(value or "")))

    def validate_booking_consent(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        if not self.is_fresh_answer(tracker, CONSENT):
            return {CONSENT: value}
        agreed = self.yes_or_no(tracker, value)
        if agreed is None:
            return self.reject(CONSENT, "consent_unclear", tracker)
        if not agreed:
            return self.finish(Outcome.NO_CONSENT, **{CONSENT: False})
        return self.accept(CONSENT, True)

    def validate_booking_confirmed(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        if not self.is_fresh_answer(tracker, CONFIRMED):
            return {CONFIRMED: value}
        text = str(value or "")
        field = which_booking_field(text)
        new_contact = parse_contact_for_clinic(text)
        if new_contact.ok and field in (None, CONTACT):
            # "it's jo@example.org, not jo@example.com": corrected in one go.
            return {**self.accept(CONFIRMED, None), CONTACT: new_contact.value}
        if field is not None:
            # Ask that question again; the summary follows once it is answered.
            return {**self.accept(CONFIRMED, None), field: None}
        answer = self.yes_or_no(tracker, value)
        if answer is None and confirms_summary(text):
            answer = True
        if answer:
            return self.finish(Outcome.CONFIRMED, **{CONFIRMED: True})
        if answer is False:
            return {CONFIRMED: None, ERROR: ASK_WHICH_FIELD, FAILURES: 0}
        return self.reject(CONFIRMED, None, tracker)


def booking_request_from(tracker: Tracker) -> BookingRequest:
    contact = str(tracker.get_slot(CONTACT) or "")
    return BookingRequest(
        conversation_id=tracker.sender_id,
        first_name=str(tracker.get_slot(NAME) or ""),
        contact_kind=contact_kind(contact),
        contact=contact,
        preferred_days=str(tracker.get_slot(DAYS) or ""),
        preferred_time=str(tracker.get_slot(TIME) or ""),
        hopes=str(tracker.get_slot(HOPES) or ""),
        consent_at=datetime.now(timezone.utc),
    )


def staff_notice(reference: str, request: BookingRequest) -> dict[str, Any]:
    """What the staff channel is told: enough to act on, no contact details and
    no conversation id (whoever holds that could join the visitor's chat); staff
    find the request in the console by its reference."""
    return {
        "type": "booking_request",
        "reference": reference,
        "first_name": request.first_name,
        "contact_kind": request.contact_kind,
        "preferred_days": request.preferred_days,
        "preferred_time": request.preferred_time,
    }


async def notify_staff_of_booking(reference: str, request: BookingRequest) -> None:
    await notify_and_record(
        StaffNotifier.from_endpoints(),
        staff_notice(reference, request),
        partial(mark_booking_notification, default_engine(), reference),
        f"booking {reference}",
    )


def forget_booking(keep_answers: bool = False) -> list[EventType]:
    """Clears the form's bookkeeping, and its answers unless `keep_answers`."""
    return form_reset_events("booking", QUESTIONS, keep_answers)


class ActionSubmitBooking(Action):
    """Ends the booking form: stores and confirms the request, or says why not."""

    def name(self) -> str:
        return "action_submit_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        outcome = tracker.get_slot(OUTCOME)
        if outcome == Outcome.STOPPED.value:
            dispatcher.utter_message(response="utter_booking_stopped")
            return forget_booking()
        if outcome == Outcome.NO_CONSENT.value:
            dispatcher.utter_message(response="utter_booking_no_consent")
            return forget_booking()
        if outcome == Outcome.TOO_MANY_TRIES.value:
            dispatcher.utter_message(response="utter_booking_too_many_tries")
            return forget_booking(keep_answers=True)
        if tracker.get_slot(CONFIRMED):
            return await self.store(dispatcher, tracker)
        return forget_booking(keep_answers=True)

    async def store(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        request = booking_request_from(tracker)
        reference = await store_then_acknowledge(
            dispatcher,
            tracker,
            partial(store_booking_request, default_engine(), request),
            received="utter_booking_received",
            not_saved="utter_booking_not_saved",
        )
        if reference is None:
            # The answers stay, so "Try again" sends the same request.
            return forget_booking(keep_answers=True)
        run_in_background(notify_staff_of_booking(reference, request))
        return forget_booking()


def offered_booking(tracker: Tracker) -> bool:
    """Whether the assistant's last message offered to book a consultation."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            return any(button.get("payload") == BOOKING_PAYLOAD for button in buttons)
    return False


class ActionAnswerYes(Action):
    """A "yes" after an answer: accepts the booking offer if one was made."""

    def name(self) -> str:
        return "action_answer_yes"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if offered_booking(tracker) and not tracker.get_slot(CRISIS_MODE_SLOT):
            return [FollowupAction(FORM)]
        dispatcher.utter_message(response="utter_affirm")
        return []
