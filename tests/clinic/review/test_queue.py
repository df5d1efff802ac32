"""The review queue read from conversations stored by the tracker store."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActiveLoop

from clinic.review import queue
from clinic.review.queue import Turn, review_item, review_queue
from clinic.store.answer_feedback import record_feedback
from clinic.store.review_decisions import record_decision
from tests.clinic.review.conftest import Conversations
from tests.clinic.review.events import (
    answered,
    said,
    session_start,
    slot,
    staff_said,
)

T = 1764500000.123456  # realistic, with the microseconds Rasa's timestamps carry
COST = "Each infusion costs $450."
SESSION = "A session takes about 40 minutes."
SORRY = "Sorry, I didn't understand that."


def reasons_by_text(conversations: Conversations) -> dict[str, tuple[str, ...]]:
    return {item.text: item.reasons for item in review_queue(conversations.engine)}


async def test_a_low_confidence_message_qualifies_with_its_answer_label(
    conversations: Conversations,
) -> None:
    await conversations.save(
        "visitor-1",
        [
            *session_start(T),
            said("how much is it", T + 1, "faq", 0.93, "faq/cost"),
            *answered(COST, T + 2),
            said("is it covered by my plan", T + 3, "faq", 0.31, "faq/cost"),
            *answered(COST, T + 4),
        ],
    )
    [item] = review_queue(conversations.engine)
    assert item.conversation_id == "visitor-1"
    assert item.text == "is it covered by my plan"
    assert item.timestamp == T + 3
    assert (item.predicted, item.confidence) == ("faq/cost", 0.31)
    assert item.reasons == ("low confidence (31%)",)


async def test_fallback_and_out_of_scope_messages_qualify(
    conversations: Conversations,
) -> None:
    await conversations.save(
        "visitor-1",
        [
            *session_start(T),
            said("blorp the flux", T + 1, "nlu_fallback", 0.2),
            *answered(SORRY, T + 2, "utter_default"),
            said(
                "what dose should I take",
                T + 3,
                "out_of_scope",
                0.88,
                "out_of_scope/medical_advice",
            ),
            *answered("I can't advise on doses.", T + 4, "utter_out_of_scope"),
        ],
    )
    items = review_queue(conversations.engine)
    assert [(i.predicted, i.reasons) for i in items] == [
        ("out_of_scope/medical_advice", ("out of scope",)),
        ("nlu_fallback", ("not understood (fallback)",)),
    ]


async def test_a_message_followed_by_a_request_for_a_person_qualifies(
    conversations: Conversations,
) -> None:
    await conversations.save(
        "visitor-1",
        [
            *session_start(T),
            said("can I drive home afterwards", T + 1, "faq", 0.9, "faq/session"),
            *answered(SESSION, T + 2),
            said("I want to talk to a person", T + 3, "human_handoff", 0.97),
            *answered("I can ask someone to call you.", T + 4, "utter_human_handoff"),
        ],
    )
    assert reasons_by_text(conversations) == {
        "can I drive home afterwards": ("followed by a request for a person",)
    }


async def test_a_message_whose_answer_got_a_thumbs_down_qualifies(
    conversations: Conversations,
) -> None:
    await conversations.save(
        "visitor-1",
        [
            *session_start(T),
            said("how long is a session", T + 1, "faq", 0.95, "faq/session"),
            *answered(SESSION, T + 2),
            said("how much does it cost", T + 3, "faq", 0.96, "faq/cost"),
            *answered(COST, T + 4),
        ],
    )
    record_feedback(conversations.engine, "visitor-1", "down", COST)
    record_feedback(conversations.engine, "visitor-1", "up", SESSION)
    record_feedback(conversations.engine, "visitor-2", "down", SESSION)
    assert reasons_by_text(conversations) == {
        "how much does it cost": ("marked unhelpful by the visitor",)
    }


async def test_reasons_add_up(conversations: Conversations) -> None:
    await conversations.save(
        "visitor-1",
        [
            *session_start(T),
            said(
                "can I microdose at home",
                T + 1,
                "out_of_scope",
                0.4,
                "out_of_scope/recreational",
            ),
            *answered("We only treat in the clinic.", T + 2),
            said("human please", T + 3, "human_handoff", 0.99),
        ],
    )
    record_feedback(
        conversations.engine, "visitor-1", "down", "We only treat in the clinic."
    )
    assert reasons_by_text(conversations) == {
        "can I microdose at home": (
            "low confidence (40%)",
            "out of scope",
            "followed by a request for a person",
            "marked unhelpful by the visitor",
        )
    }


async def test_buttons_crisis_and_messages_to_staff_are_left_out(
    conversations: Conversations,
) -> None:
    await conversations.save(
        "visitor-1",
        [
            *session_start(T),
            said("/faq", T + 1, "faq", 0.3, "faq/cost"),
            *answered(COST, T + 2),
            said("i dont want to be here anymore", T + 3, "crisis", 0.45),
            *answered("Help is available now.", T + 4, "utter_crisis_support"),
            slot("handoff_state", "live", T + 5),
            staff_said("Dana", "Hi, I'm Dana.", T + 6),
            said("hmm not sure what to ask", T + 7, "nlu_fallback", 0.2),
            slot("handoff_state", None, T + 8),
            *answered("You're back with the assistant.", T + 9),
            said("what about insurance", T + 10, "faq", 0.35, "faq/cost"),
        ],
    )
    [item] = review_queue(conversations.engine)
    assert item.text == "what about insurance"


async def test_answers_to_a_forms_questions_are_left_out(
    conversations: Conversations,
) -> None:
    """What visitors tell a form (name, contact, hopes) is personal: not an example."""
    await conversations.save(
        "visitor-1",
        [
            *session_start(T),
            said("i want to book", T + 1, "book_appointment", 0.9),
            ActiveLoop("booking_form", timestamp=T + 2),
            slot("requested_slot", "booking_hopes", T + 2),
            *answered("What do you hope treatment will help with?", T + 2),
            said(
                "my marriage fell apart after my diagnosis", T + 3, "nlu_fallback", 0.2
            ),
            slot("requested_slot", None, T + 4),
            ActiveLoop(None, timestamp=T + 4),
            said("what about insurance", T + 5, "faq", 0.35, "faq/cost"),
        ],
    )
    [item] = review_queue(conversations.engine)
    assert item.text == "what about insurance"
    assert review_item(conversations.engine, "visitor-1", T + 3) is None


async def test_a_new_session_ends_a_chat_with_staff(
    conversations: Conversations,
) -> None:
    await conversations.save(
        "visitor-1",
        [
            *session_start(T),
            slot("handoff_state", "waiting", T + 1),
            said("are you there", T + 2, "nlu_fallback", 0.2),
            *session_start(T + 3),
            said("hello?", T + 4, "nlu_fallback", 0.2),
        ],
    )
    assert [item.text for item in review_queue(conversations.engine)] == ["hello?"]


async def test_decided_messages_leave_the_queue_but_can_still_be_read(
    conversations: Conversations,
) -> None:
    await conversations.save(
        "visitor-1",
        [
            *session_start(T),
            said("blorp", T + 1, "nlu_fallback", 0.2),
            said("how much", T + 2, "faq", 0.3, "faq/cost"),
        ],
    )
    [newest, oldest] = review_queue(conversations.engine)
    record_decision(
        conversations.engine,
        "visitor-1",
        newest.timestamp,
        "assigned",
        "faq/cost",
        "how much",
        "dana",
    )
    record_decision(
        conversations.engine,
        "visitor-1",
        oldest.timestamp,
        "ignored",
        None,
        None,
        "dana",
    )
    assert review_queue(conversations.engine) == []
    assert review_item(conversations.engine, "visitor-1", newest.timestamp) == newest


async def test_an_item_shows_three_turns_before_and_what_came_after(
    conversations: Conversations,
) -> None:
    await conversations.save(
        "visitor-1",
        [
            *session_start(T),
            said("hi", T + 1, "greet", 0.99),
            *answered("Hello! How can I help?", T + 2, "utter_greet"),
            said("how long is a session", T + 3, "faq", 0.95, "faq/session"),
            *answered(SESSION, T + 4),
            said("and the ride home", T + 5, "faq", 0.25, "faq/session"),
            *answered(SESSION, T + 6),
            *answered("Anything else?", T + 6.5, "utter_anything_else"),
            said("thanks", T + 7, "thank", 0.98),
            *answered("You're welcome.", T + 8, "utter_thank"),
        ],
    )
    item = review_item(conversations.engine, "visitor-1", T + 5)
    assert item is not None
    assert item.before == [
        Turn("assistant", "Hello! How can I help?"),
        Turn("visitor", "how long is a session"),
        Turn("assistant", SESSION),
    ]
    assert item.after == [
        Turn("assistant", SESSION),
        Turn("assistant", "Anything else?"),
        Turn("visitor", "thanks"),
    ]


async def test_staff_turns_are_shown_as_staff(conversations: Conversations) -> None:
    await conversations.save(
        "visitor-1",
        [
            *session_start(T),
            slot("handoff_state", "live", T + 1),
            staff_said("Dana", "Hi, I'm Dana from the clinic.", T + 2),
            slot("handoff_state", None, T + 3),
            said("so what does it cost", T + 4, "faq", 0.3, "faq/cost"),
        ],
    )
    [item] = review_queue(conversations.engine)
    assert item.before == [Turn("staff", "Hi, I'm Dana from the clinic.")]
    assert item.after == []


async def test_review_item_is_none_for_other_messages(
    conversations: Conversations,
) -> None:
    await conversations.save(
        "visitor-1", [*session_start(T), said("/greet", T + 1, "greet", 1.0)]
    )
    assert review_item(conversations.engine, "visitor-1", T + 1) is None
    assert review_item(conversations.engine, "visitor-1", T + 99) is None
    assert review_item(conversations.engine, "nobody", T) is None


async def test_the_queue_is_newest_first_across_conversations_and_limited(
    conversations: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small batches: reading must stop early yet keep the newest messages.
    monkeypatch.setattr(queue, "CONVERSATIONS_PER_BATCH", 2)
    for number in range(7):
        start = T + number * 100
        await conversations.save(
            f"visitor-{number}",
            [
                *session_start(start),
                said(f"question {number}a", start + 1, "faq", 0.2, "faq/cost"),
                said(f"fine {number}", start + 2, "greet", 0.99),
                said(f"question {number}b", start + 3, "nlu_fallback", 0.2),
            ],
        )
    items = review_queue(conversations.engine, limit=5)
    assert [item.text for item in items] == [
        "question 6b",
        "question 6a",
        "question 5b",
        "question 5a",
        "question 4b",
    ]
    assert len(review_queue(conversations.engine)) == 14


async def test_the_low_confidence_threshold_can_be_chosen(
    conversations: Conversations,
) -> None:
    await conversations.save(
        "visitor-1",
        [*session_start(T), said("price?", T + 1, "faq", 0.62, "faq/cost")],
    )
    assert review_queue(conversations.engine) == []
    [item] = review_queue(conversations.engine, low_confidence=0.7)
    assert item.reasons == ("low confidence (62%)",)


async def test_an_item_carries_its_conversations_form_slot_values(
    conversations: Conversations,
) -> None:
    await conversations.save(
        "visitor-1",
        [
            *session_start(T),
            said("hi im sarah, what about parking", T + 1, "nlu_fallback", 0.2),
            slot("booking_first_name", "Sarah", T + 2),
            slot("booking_contact", "+14155550132", T + 3),
            slot("callback_contact", "sarah@example.com", T + 4),
            slot("callback_first_name", "Sarah", T + 5),
            slot("handoff_state", "waiting", T + 6),
            slot("booking_first_name", None, T + 7),
        ],
    )
    await conversations.save(
        "visitor-2",
        [
            *session_start(T),
            said("blorp the flux", T + 1, "nlu_fallback", 0.2),
            slot("booking_first_name", "Tom", T + 2),
        ],
    )
    items = {item.conversation_id: item for item in review_queue(conversations.engine)}
    assert items["visitor-1"].personal_details == (
        "Sarah",
        "+14155550132",
        "sarah@example.com",
    )
    assert items["visitor-2"].personal_details == ("Tom",)
    assert review_item(conversations.engine, "visitor-1", T + 1) == items["visitor-1"]
