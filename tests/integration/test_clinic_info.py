"""Where the clinic is and when it is open, end to end through the real Rasa
server and action server: the answer is the configured address, hours and
phone, before or in the middle of a booking (which then goes on), and a typo'd
question is read as the question it is."""

from __future__ import annotations

import pytest

from harness.conversation import Visitor, asks
from harness.servers import Assistant, clinic_settings

INFO = ["utter_clinic_info"]


@pytest.fixture
def visitor(assistant: Assistant) -> Visitor:
    return Visitor(assistant)


@pytest.mark.parametrize(
    "question",
    [
        "whats your address and hours",
        "where are you located?",
        "are you open on saturdays",
        "what time do you close",
    ],
)
def test_where_and_when_is_answered_from_the_configuration(
    visitor: Visitor, question: str
) -> None:
    reply = visitor.say(question)
    assert reply.responses == INFO
    clinic = clinic_settings()
    for fact in (clinic.address, clinic.hours, clinic.phone):
        assert fact in reply.text
    assert "/book_appointment" in reply.payloads


def test_asked_in_the_middle_of_a_booking_the_booking_goes_on(
    visitor: Visitor,
) -> None:
    assert asks(visitor.say("I'd like to book a consultation"), "booking_first_name")
    reply = visitor.say("wait, where is the clinic?")
    assert reply.responses[0] == "utter_clinic_info"
    assert asks(reply, "booking_first_name")
    assert visitor.slots()["booking_first_name"] is None
    assert asks(visitor.say("Sam"), "booking_contact")


def test_a_reply_that_is_not_a_name_is_asked_again(visitor: Visitor) -> None:
    assert asks(visitor.say("I'd like to book a consultation"), "booking_first_name")
    assert asks(visitor.say("thanks thats helpful"), "booking_first_name")
    assert visitor.slots()["booking_first_name"] is None


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("waht are the side efects", "faq/side_effects"),
        ("whta is spravato", "faq/spravato"),
        ("how mcuh does it cost", "faq/cost"),
    ],
)
def test_swapped_letters_are_read_as_the_question_not_a_crisis(
    assistant: Assistant, question: str, topic: str
) -> None:
    parsed = assistant.parse(question)
    assert parsed["intent"]["name"] == "faq"
    assert parsed["intent"]["full_retrieval_intent_name"].startswith(topic)
    assert "crisis_detection" not in parsed or not parsed["crisis_detection"]
