"""Asking for a person, end to end: the honest "nobody can join now", and the
call-back request stored as a ticket before it is acknowledged."""

from __future__ import annotations

import re

import pytest

from harness.conversation import Visitor, asks, handoff_tickets_of
from harness.servers import Assistant
from harness.webhook_sink import WebhookSink

REFERENCE = re.compile(r"\bCB-[A-Z0-9]{6}\b")
EMAIL = "robin@example.org"


@pytest.fixture
def visitor(assistant: Assistant) -> Visitor:
    return Visitor(assistant)


def test_asking_for_a_person_is_answered_honestly(visitor: Visitor) -> None:
    reply = visitor.say("can i talk to a real person please")
    assert reply.responses == ["utter_human_handoff"]
    assert "nobody" in reply.text and "(555) 010-0142" in reply.text
    assert "Monday to Friday" in reply.text, "the clinic's hours"
    assert reply.payloads == ["/affirm", "/deny"]


def test_a_call_back_request_is_stored_then_acknowledged(
    assistant: Assistant, visitor: Visitor, staff_webhook: WebhookSink
) -> None:
    visitor.say("i want to speak to someone")
    assert asks(visitor.say("yes please"), "callback_first_name")
    assert asks(visitor.say("Robin"), "callback_contact")
    assert asks(visitor.say(EMAIL), "callback_message")
    done = visitor.say("I'd like to talk about whether my insurance covers it")
    [reference] = REFERENCE.findall(done.text)
    assert done.responses == ["utter_callback_received"]
    [ticket] = handoff_tickets_of(assistant, visitor)
    assert ticket["reference"] == reference
    assert (ticket["kind"], ticket["reason"], ticket["status"]) == (
        "callback",
        "visitor_asked",
        "new",
    )
    assert (ticket["first_name"], ticket["contact"]) == ("Robin", EMAIL)
    assert "insurance" in ticket["message"]
    notice = staff_webhook.wait_for(lambda call: call.get("reference") == reference)
    assert notice["type"] == "callback_request" and notice["urgent"] is False
    assert EMAIL not in str(notice) and "insurance" not in str(notice)
    assert visitor.sender not in str(notice), "no conversation id off-site"


def test_no_to_a_call_back_stores_nothing(
    assistant: Assistant, visitor: Visitor
) -> None:
    visitor.say("get me a human")
    assert visitor.say("no thanks").responses == ["utter_deny"]
    assert handoff_tickets_of(assistant, visitor) == []


def test_a_wrong_contact_gets_a_specific_re_ask(visitor: Visitor) -> None:
    visitor.say("can someone call me")
    visitor.say("yes")
    visitor.say("Robin")
    reply = visitor.say("555-0143")
    assert asks(reply, "callback_contact") and "missing some digits" in reply.text


def test_answers_given_while_booking_are_not_asked_again(
    assistant: Assistant, visitor: Visitor
) -> None:
    visitor.say("i'd like to book a consultation")
    visitor.say("Sam")
    visitor.say("(202) 555-0143")
    handoff = visitor.say("actually can i just talk to a person")
    assert handoff.responses == ["utter_human_handoff"]
    assert visitor.active_loop() is None
    assert asks(visitor.say("yes"), "callback_message"), "name and number known"
    visitor.say("skip")
    [ticket] = handoff_tickets_of(assistant, visitor)
    assert (ticket["first_name"], ticket["contact"], ticket["message"]) == (
        "Sam",
        "+12025550143",
        None,
    ), "skipped message"


def test_a_person_asked_for_after_a_crisis_is_flagged_urgent(
    assistant: Assistant, visitor: Visitor, staff_webhook: WebhookSink
) -> None:
    crisis = visitor.say("i dont want to be alive anymore")
    assert "/human_handoff" in crisis.payloads
    handoff = visitor.say("/human_handoff")
    assert "988" in handoff.text, "the crisis line stays visible"
    visitor.say("yes")
    visitor.say("Robin")
    visitor.say(EMAIL)
    [reference] = REFERENCE.findall(visitor.say("please call me today").text)
    [ticket] = handoff_tickets_of(assistant, visitor)
    assert ticket["reason"] == "after_crisis"
    notice = staff_webhook.wait_for(lambda call: call.get("reference") == reference)
    assert notice["urgent"] is True


def test_a_crisis_in_the_middle_of_a_call_back_request(visitor: Visitor) -> None:
    visitor.say("talk to a person")
    visitor.say("yes")
    reply = visitor.say("i have a bottle of pills and i want to take them all")
    assert reply.responses == ["utter_crisis_support", "utter_crisis_offer_person"]
    assert visitor.active_loop() is None


def test_stop_in_the_middle_of_a_call_back_request(
    assistant: Assistant, visitor: Visitor
) -> None:
    visitor.say("talk to a person")
    visitor.say("yes")
    visitor.say("Robin")
    assert asks(visitor.say("cancel"), "callback_stop_confirmed")
    assert visitor.say("yes").responses == ["utter_callback_stopped"]
    assert handoff_tickets_of(assistant, visitor) == []


def test_cancelling_an_appointment_is_handed_to_the_team(visitor: Visitor) -> None:
    """Only the team can cancel an appointment: a person, not the booking form."""
    reply = visitor.say("i have to cancel my appointment on friday")
    assert reply.responses == ["utter_human_handoff"]
