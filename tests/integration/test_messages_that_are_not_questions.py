"""Messages that are not questions (issue 20, item 5), end to end through the real
Rasa server and action server:

- a free-text question of a form (what a call-back is about, what the visitor
  hopes treatment helps with) takes the message as typed, whatever intent it
  parses to, unless it signals a crisis (crisis reply at once) or asks to stop
  (confirmed first);
- a phone number or email address typed on its own outside a form is offered a
  call-back or a booking, is not kept, and becomes the call-back's contact only
  if the visitor says yes.
"""

from __future__ import annotations

import pytest

from harness.conversation import (
    Visitor,
    asks,
    booking_requests_of,
    handoff_tickets_of,
)
from harness.servers import Assistant

PHONE, PHONE_E164 = "(202) 555-0143", "+12025550143"
EMAIL = "robin@example.org"
CRISIS_REPLY = ["utter_crisis_support", "utter_crisis_offer_person"]
CONTACT_OFFER = "utter_offer_call_back_for_contact"


@pytest.fixture
def visitor(assistant: Assistant) -> Visitor:
    return Visitor(assistant)


def up_to_the_call_back_topic(visitor: Visitor) -> None:
    assert visitor.say("can i talk to a person").responses == ["utter_human_handoff"]
    assert asks(visitor.say("yes please"), "callback_first_name")
    assert asks(visitor.say("Robin"), "callback_contact")
    assert asks(visitor.say(EMAIL), "callback_message")


def up_to_the_hopes(visitor: Visitor) -> None:
    assert asks(visitor.say("I'd like to book a consultation"), "booking_first_name")
    assert asks(visitor.say("Sam"), "booking_contact")
    assert asks(visitor.say(PHONE), "booking_days")
    assert asks(visitor.say("weekdays"), "booking_time")
    assert asks(visitor.say("mornings"), "booking_hopes")


# Free-text questions ------------------------------------------------------------


@pytest.mark.parametrize(
    "topic",
    [
        "please call me about the cost",
        "how much does it cost?",  # an FAQ question, classified with confidence
        "what can you do?",  # help
        "can I speak to a real person about my insurance?",  # human_handoff
    ],
)
def test_the_call_back_topic_is_taken_as_typed(
    assistant: Assistant, visitor: Visitor, topic: str
) -> None:
    up_to_the_call_back_topic(visitor)
    done = visitor.say(topic)
    assert done.responses == ["utter_callback_received"], "no answer, no re-ask"
    [ticket] = handoff_tickets_of(assistant, visitor)
    assert (ticket["contact"], ticket["message"]) == (EMAIL, topic)


def test_a_crisis_typed_as_the_call_back_topic_gets_the_crisis_reply(
    assistant: Assistant, visitor: Visitor
) -> None:
    up_to_the_call_back_topic(visitor)
    reply = visitor.say("i just want to end my life")
    assert reply.responses == CRISIS_REPLY, "at once, not as the topic"
    assert "988" in reply.text and "/human_handoff" in reply.payloads
    assert visitor.active_loop() is None
    assert handoff_tickets_of(assistant, visitor) == [], "not sent as a call-back topic"


def test_stop_typed_as_the_call_back_topic_is_confirmed_first(
    assistant: Assistant, visitor: Visitor
) -> None:
    up_to_the_call_back_topic(visitor)
    assert asks(visitor.say("stop"), "callback_stop_confirmed")
    carry_on = visitor.say("no")
    assert carry_on.responses == [
        "utter_callback_continue",
        "utter_ask_callback_message",
    ]
    assert asks(visitor.say("stop"), "callback_stop_confirmed")
    assert visitor.say("yes").responses == ["utter_callback_stopped"]
    assert handoff_tickets_of(assistant, visitor) == []


@pytest.mark.parametrize(
    "hopes",
    [
        "how much does it cost?",  # an FAQ question, classified with confidence
        "I'd like to talk to someone about my options",  # reads as human_handoff
    ],
)
def test_hopes_are_taken_as_typed(
    assistant: Assistant, visitor: Visitor, hopes: str
) -> None:
    up_to_the_hopes(visitor)
    reply = visitor.say(hopes)
    assert reply.responses == ["utter_ask_booking_consent"], "no answer, no re-ask"
    assert visitor.active_loop() == "booking_form"
    summary = visitor.say("yes")
    assert asks(summary, "booking_confirmed") and hopes in summary.text
    visitor.say("yes, send it")
    [row] = booking_requests_of(assistant.database_url, visitor)
    assert row["hopes"] == hopes


def test_a_crisis_typed_as_hopes_gets_the_crisis_reply(
    assistant: Assistant, visitor: Visitor
) -> None:
    up_to_the_hopes(visitor)
    reply = visitor.say("honestly i don't want to be alive anymore")
    assert reply.responses == CRISIS_REPLY
    assert "/book_appointment" not in reply.payloads
    assert visitor.active_loop() is None
    assert booking_requests_of(assistant.database_url, visitor) == []


def test_stop_typed_as_hopes_is_confirmed_first(
    assistant: Assistant, visitor: Visitor
) -> None:
    up_to_the_hopes(visitor)
    assert asks(visitor.say("stop"), "booking_stop_confirmed")
    assert visitor.say("yes").responses == ["utter_booking_stopped"]
    assert booking_requests_of(assistant.database_url, visitor) == []


def test_skip_still_skips_the_hopes(visitor: Visitor) -> None:
    up_to_the_hopes(visitor)
    assert asks(visitor.say("skip"), "booking_consent")
    assert visitor.slots()["booking_hopes"] == ""


# Contact details typed on their own ---------------------------------------------


def nothing_kept(assistant: Assistant, visitor: Visitor) -> bool:
    slots = visitor.slots()
    return (
        not slots["callback_contact"]
        and not slots["booking_contact"]
        and handoff_tickets_of(assistant, visitor) == []
        and booking_requests_of(assistant.database_url, visitor) == []
    )


@pytest.mark.parametrize("typed", [EMAIL, PHONE, "2025550143", "+44 20 7946 0958"])
def test_contact_details_on_their_own_get_an_offer_not_a_no_words_reply(
    assistant: Assistant, visitor: Visitor, typed: str
) -> None:
    reply = visitor.say(typed)
    assert reply.responses == [CONTACT_OFFER]
    assert "couldn't find any words" not in reply.text
    assert "I haven't kept those contact details" in reply.text
    assert reply.payloads == ["/affirm", "/book_appointment", "/deny"]
    assert nothing_kept(assistant, visitor), "the visitor has not asked for anything"


def test_yes_to_the_offer_makes_it_the_call_backs_contact(
    assistant: Assistant, visitor: Visitor
) -> None:
    visitor.say(PHONE)
    assert asks(visitor.say("yes"), "callback_first_name")
    assert asks(visitor.say("Robin"), "callback_message"), "the number is not asked"
    done = visitor.say("please call me about the cost")
    assert done.responses == ["utter_callback_received"]
    [ticket] = handoff_tickets_of(assistant, visitor)
    assert (ticket["first_name"], ticket["contact"], ticket["message"]) == (
        "Robin",
        PHONE_E164,
        "please call me about the cost",
    )
    for log in assistant.log_dir.glob("*.log"):
        content = log.read_text(errors="replace")
        for secret in (PHONE_E164, "555-0143"):
            assert secret not in content, f"{secret} in {log.name}"


def test_the_booking_button_of_the_offer_starts_booking(
    assistant: Assistant, visitor: Visitor
) -> None:
    visitor.say(EMAIL)
    assert asks(visitor.say("/book_appointment"), "booking_first_name")
    assert nothing_kept(assistant, visitor)


def test_no_to_the_offer_keeps_nothing(assistant: Assistant, visitor: Visitor) -> None:
    visitor.say(EMAIL)
    assert visitor.say("no thanks").responses == ["utter_deny"]
    assert nothing_kept(assistant, visitor)


def test_the_offer_after_a_crisis_keeps_the_crisis_line_and_no_booking(
    assistant: Assistant, visitor: Visitor
) -> None:
    assert visitor.say("i want to kill myself").responses == CRISIS_REPLY
    offer = visitor.say(PHONE)
    assert offer.responses == [CONTACT_OFFER]
    assert "988" in offer.text and "book" not in offer.text.lower()
    assert offer.payloads == ["/affirm", "/deny"]
    visitor.say("yes")
    visitor.say("Robin")
    visitor.say("please call me today")
    [ticket] = handoff_tickets_of(assistant, visitor)
    assert (ticket["contact"], ticket["reason"]) == (PHONE_E164, "after_crisis")


def test_other_answers_outside_a_form_are_unchanged(visitor: Visitor) -> None:
    assert visitor.say("weekdays").responses == ["utter_default"]
    assert visitor.say("12345").responses == ["utter_no_words"], "no contact"
