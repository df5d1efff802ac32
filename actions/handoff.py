"""A person, when the visitor asks for one: a live chat, or a call-back request.

When a staff member is available (signed in to the staff console, marked
available, within the live-chat hours of config/clinic.yml), a live ticket is
stored and the visitor waits for them; the console takes it from there. When
nobody is, the visitor is told so and may leave a first name, a phone number or
email address and a short message. As with bookings, a ticket is written to the
database before the visitor is told about it, contact details are never logged,
and the staff webhook is told the reference and why the visitor wants a person,
not how to reach them.

A phone number or email address typed when no form asked for one is offered a
call-back (or a booking). It is not kept: only a "yes" to that offer starts the
callback form, which then takes it as the visitor's contact.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from functools import partial
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.booking import parse_contact_for_clinic
from actions.forms import (
    REQUESTED_SLOT,
    ClinicFormValidationAction,
    Outcome,
    form_reset_events,
    store_then_acknowledge,
    typed_text,
    visitor_text,
)
from clinic.booking.validators import (
    contact_kind,
    mentioned_contact_kind,
    parse_first_name,
    parse_hopes,
)
from clinic.intent_names import HUMAN_HANDOFF
from clinic.notify import StaffNotifier, notify_and_record, run_in_background
from clinic.settings import current_settings
from clinic.store.db import default_engine
from clinic.store.handoff_tickets import (
    HandoffTicket,
    close_live_ticket,
    mark_ticket_notification,
    store_handoff_ticket,
)
from clinic.store.staff_accounts import available_staff_count

logger = logging.getLogger(__name__)

NAME, CONTACT, MESSAGE = "callback_first_name", "callback_contact", "callback_message"
ERROR, FAILURES, OUTCOME = "callback_error", "callback_failures", "callback_outcome"
STOP_PENDING, STOP_CONFIRMED = "callback_stop_pending", "callback_stop_confirmed"
MAX_MESSAGE_CHARS = 1000
# Answers given earlier in the booking form need not be typed twice.
PREFILLED_FROM = {NAME: "booking_first_name", CONTACT: "booking_contact"}
# Why the visitor wants a person, from the message that offered one.
REASON_BY_OFFER = {
    "utter_offer_person_after_misunderstanding": "misunderstood",
    "utter_crisis_offer_person": "after_crisis",
    "utter_booking_not_saved": "booking_failed",
    "utter_booking_too_many_tries": "booking_failed",
}
HANDOFF_STATE, HANDOFF_TICKET = "handoff_state", "handoff_ticket"
HANDOFF_STAFF_NAME = "handoff_staff_name"
# Contact details typed when no form asked for them, as the readability check
# marks them in the parse result (clinic/components/readability.py), and the offer.
READABILITY, CONTACT_DETAILS = "readability", "contact_details"
CONTACT_OFFER = "utter_offer_call_back_for_contact"


class ValidateCallbackForm(ClinicFormValidationAction):
    """Checks the call-back request's answers."""

    slot_prefix = "callback"
    # What they want to talk about is in their own words: "please call me about
    # the cost" is the topic, not a question for the assistant.
    free_text_slots = frozenset({MESSAGE})

    def name(self) -> str:
        return "validate_callback_form"

    def parses_as_answer(self, slot: str, text: str) -> bool:
        if slot == NAME:
            return parse_first_name(text).ok
        if slot == CONTACT:
            return parse_contact_for_clinic(text).ok
        return False

    def is_skip_answer(self, slot: str, text: str) -> bool:
        return slot == MESSAGE and parse_hopes(text).value == ""

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot(REQUESTED_SLOT) is None:  # the form is starting
            prefilled = {
                slot: tracker.get_slot(source)
                for slot, source in PREFILLED_FROM.items()
                if tracker.get_slot(source) and not tracker.get_slot(slot)
            }
            if offered_for := contact_of_accepted_offer(tracker):
                prefilled[CONTACT] = offered_for  # just typed: it wins over older
            return [SlotSet(slot, value) for slot, value in prefilled.items()]
        return await super().get_extraction_events(dispatcher, tracker, domain)

    def validate_callback_first_name(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return self.check(NAME, value, tracker, parse_first_name(str(value or "")))

    def validate_callback_contact(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        parsed = parse_contact_for_clinic(str(value or ""))
        return self.check(CONTACT, value, tracker, parsed)

    def validate_callback_message(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        parsed = parse_hopes(str(value or ""), max_length=MAX_MESSAGE_CHARS)
        result = self.check(MESSAGE, value, tracker, parsed)
        if result.get(MESSAGE) is not None:
            result[OUTCOME] = Outcome.CONFIRMED.value
        return result


def contact_of_accepted_offer(tracker: Tracker) -> str | None:
    """The phone number or email address the visitor typed on its own, when the
    message that starts the callback form says yes to the call-back offered for
    it (``CONTACT_OFFER``); None otherwise, or when it is no usable contact."""
    messages_back = 0  # the visitor's messages, from the latest (the yes) back
    offer_answered = False
    for event in reversed(tracker.events):
        if event.get("event") == "bot" and messages_back == 1 and not offer_answered:
            if (event.get("metadata") or {}).get("utter_action") != CONTACT_OFFER:
                return None  # the yes answered something else
            offer_answered = True
        elif event.get("event") == "user":
            messages_back += 1
            if messages_back == 2:
                if not offer_answered:
                    return None
                parsed = parse_contact_for_clinic(typed_text(event))
                return parsed.value if parsed.ok else None
    return None


def handoff_reason(tracker: Tracker) -> str:
    """Why the visitor asked for a person: the offer they accepted, if any."""
    if tracker.get_slot("crisis_mode"):
        return "after_crisis"
    asked = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            asked = asked or intent == HUMAN_HANDOFF
        elif asked and event.get("event") == "bot":
            utter_action = (event.get("metadata") or {}).get("utter_action", "")
            return REASON_BY_OFFER.get(utter_action, "visitor_asked")
    return "visitor_asked"


def ticket_from(tracker: Tracker) -> HandoffTicket:
    contact = str(tracker.get_slot(CONTACT) or "")
    return HandoffTicket(
        conversation_id=tracker.sender_id,
        kind="callback",
        reason=handoff_reason(tracker),
        first_name=str(tracker.get_slot(NAME) or ""),
        contact_kind=contact_kind(contact),
        contact=contact,
        message=str(tracker.get_slot(MESSAGE) or ""),
    )


def staff_notice(reference: str, ticket: HandoffTicket) -> dict[str, Any]:
    """What the staff channel is told: no contact details, no message text, no
    conversation id (staff find the ticket in the console by its reference)."""
    return {
        "type": "live_chat_request" if ticket.kind == "live" else "callback_request",
        "reference": reference,
        "first_name": ticket.first_name,
        "contact_kind": ticket.contact_kind,
        "reason": ticket.reason,
        "urgent": ticket.reason == "after_crisis",
    }


async def notify_staff_of_ticket(reference: str, ticket: HandoffTicket) -> None:
    await notify_and_record(
        StaffNotifier.from_endpoints(),
        staff_notice(reference, ticket),
        partial(mark_ticket_notification, default_engine(), reference),
        f"ticket {reference}",
    )


def forget_callback(keep_answers: bool = False) -> list[EventType]:
    """Clears the form's bookkeeping, and its answers unless `keep_answers`."""
    return form_reset_events("callback", (NAME, CONTACT, MESSAGE), keep_answers)


class ActionSubmitCallback(Action):
    """Ends the callback form: stores the ticket, or says why not."""

    def name(self) -> str:
        return "action_submit_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        outcome = tracker.get_slot(OUTCOME)
        if outcome == Outcome.STOPPED.value:
            dispatcher.utter_message(response="utter_callback_stopped")
            return forget_callback()
        if outcome == Outcome.TOO_MANY_TRIES.value:
            dispatcher.utter_message(response="utter_callback_too_many_tries")
            return forget_callback(keep_answers=True)
        if tracker.get_slot(MESSAGE) is None:
            return forget_callback(keep_answers=True)
        return await self.store(dispatcher, tracker)

    async def store(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        ticket = ticket_from(tracker)
        reference = await store_then_acknowledge(
            dispatcher,
            tracker,
            partial(store_handoff_ticket, default_engine(), ticket),
            received="utter_callback_received",
            not_saved="utter_callback_not_saved",
        )
        if reference is None:
            # The answers stay, so "Try again" sends the same ticket.
            return forget_callback(keep_answers=True)
        run_in_background(notify_staff_of_ticket(reference, ticket))
        return forget_callback()


def staff_can_join_now() -> bool:
    """Someone is available in the console, within the live-chat hours."""
    if not current_settings().live_chat.is_open(datetime.now(timezone.utc)):
        return False
    return available_staff_count(default_engine()) > 0


class ActionRequestPerson(Action):
    """Starts a live chat with the team if someone is available, or offers a
    call-back honestly if nobody is."""

    def name(self) -> str:
        return "action_request_person"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        reference = await self.open_live_ticket(tracker)
        if reference is None:
            dispatcher.utter_message(response="utter_human_handoff")
            return []
        dispatcher.utter_message(response="utter_handoff_waiting")
        return [SlotSet(HANDOFF_STATE, "waiting"), SlotSet(HANDOFF_TICKET, reference)]

    @staticmethod
    async def open_live_ticket(tracker: Tracker) -> str | None:
        """The new live ticket's reference; None when nobody can join (or the
        ticket could not be stored, in which case nobody would know to join)."""
        ticket = HandoffTicket(
            conversation_id=tracker.sender_id,
            kind="live",
            reason=handoff_reason(tracker),
        )
        try:
            if not await asyncio.to_thread(staff_can_join_now):
                return None
            reference = await asyncio.to_thread(
                store_handoff_ticket, default_engine(), ticket
            )
        except (SQLAlchemyError, OSError) as error:
            logger.error(
                "live chat for %s not started: %s",
                tracker.sender_id,
                type(error).__name__,
            )
            return None
        run_in_background(notify_staff_of_ticket(reference, ticket))
        return reference


def leave_handoff_events() -> list[EventType]:
    return [
        SlotSet(HANDOFF_STATE, None),
        SlotSet(HANDOFF_TICKET, None),
        SlotSet(HANDOFF_STAFF_NAME, None),
    ]


class ActionEndHandoff(Action):
    """The visitor ends the wait for, or the chat with, a staff member."""

    def name(self) -> str:
        return "action_end_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not tracker.get_slot(HANDOFF_STATE):
            dispatcher.utter_message(response="utter_handoff_nothing_to_end")
            return []
        reference = tracker.get_slot(HANDOFF_TICKET)
        if reference:
            try:
                await asyncio.to_thread(
                    close_live_ticket, default_engine(), reference, "ended_by_visitor"
                )
            except (SQLAlchemyError, OSError) as error:
                # The visitor still leaves; the console shows the ticket open.
                logger.error("ticket %s not closed: %s", reference, error)
        dispatcher.utter_message(response="utter_handoff_ended_by_visitor")
        return leave_handoff_events()


class ActionAnswerDetailsOutsideForm(Action):
    """Answers what reads as an answer to a form's question (``inform``) when no
    form asked one.

    A phone number or email address gets the offer of a call-back or a booking;
    nothing is kept unless the visitor says yes to the call-back
    (`contact_of_accepted_offer`). Anything else ("Sam", "weekdays") gets what
    Rasa's default fallback gives: ``utter_default``, the message left out of
    what the dialogue rules look at.
    """

    def name(self) -> str:
        return "action_answer_details_outside_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        readability = (tracker.latest_message or {}).get(READABILITY) or {}
        if readability.get(CONTACT_DETAILS) or mentioned_contact_kind(
            visitor_text(tracker)
        ):
            dispatcher.utter_message(response=CONTACT_OFFER)
            return []
        dispatcher.utter_message(response="utter_default")
        return [UserUtteranceReverted()]
