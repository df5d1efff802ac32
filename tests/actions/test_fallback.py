from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionClarifyUnclearMessage, likely_topics
from tests.actions.conftest import tracker_from_file, with_extra_user_turn

FIRST_MISS = "tracker_after_one_miss.json"


async def run(tracker) -> list[dict]:
    dispatcher = CollectingDispatcher()
    events = await ActionClarifyUnclearMessage().run(dispatcher, tracker, {})
    assert events == []
    return dispatcher.messages


async def test_first_miss_suggests_the_likely_topics() -> None:
    [message] = await run(tracker_from_file(FIRST_MISS))
    assert message["response"] == "utter_clarify"
    assert [b["title"] for b in message["buttons"]] == [
        "Cost and insurance",
        "How many treatments",
        "Book a consultation",
        "Something else",
    ]


async def test_second_miss_in_a_row_offers_a_person() -> None:
    second = {
        "text": "no the other thing",
        "intent": {"name": "nlu_fallback", "confidence": 0.5},
    }
    [message] = await run(with_extra_user_turn(FIRST_MISS, second))
    assert message["response"] == "utter_offer_person_after_misunderstanding"


async def test_a_message_without_words_is_asked_to_be_typed() -> None:
    tracker = tracker_from_file(
        FIRST_MISS,
        latest_message={
            "text": "🙂🙂",
            "intent": {"name": "nlu_fallback"},
            "readability": {"has_words": False, "english": False},
        },
    )
    [message] = await run(tracker)
    assert message["response"] == "utter_no_words"


async def test_another_language_gets_the_english_only_reply() -> None:
    tracker = tracker_from_file(
        FIRST_MISS,
        latest_message={
            "text": "hola cuánto cuesta",
            "intent": {"name": "nlu_fallback"},
            "readability": {"has_words": True, "english": False},
        },
    )
    [message] = await run(tracker)
    assert message["response"] == "utter_english_only"


async def test_without_any_guess_the_visitor_is_asked_to_rephrase() -> None:
    tracker = tracker_from_file(
        FIRST_MISS,
        latest_message={
            "text": "hmm",
            "intent": {"name": "nlu_fallback"},
            "intent_ranking": [],
        },
    )
    [message] = await run(tracker)
    assert message["response"] == "utter_clarify_no_guess"


def test_topics_below_the_confidence_floor_are_not_suggested() -> None:
    parse = {"intent_ranking": [{"name": "human_handoff", "confidence": 0.01}]}
    assert likely_topics(parse) == []
