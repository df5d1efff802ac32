"""Checking an answer one event type at a time accepts and refuses what Rasa does."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa_sdk import events

from clinic.rasa_patches.action_results import ActionResultValidator

SCHEMA = RemoteAction.action_response_format_spec()
PARSE_DATA = {
    "text": "I'd like to book",
    "intent": {"name": "book_consultation", "confidence": 0.93},
    "intent_ranking": [{"name": "book_consultation", "confidence": 0.93}],
    "entities": [{"entity": "day", "value": "tuesday", "start": 0, "end": 7}],
    "response_selector": {
        "all_retrieval_intents": ["faq"],
        "faq": {
            "response": {"responses": [{"text": "An answer"}], "confidence": 0.5},
            "ranking": [{"confidence": 0.5, "intent_response_key": "faq/cost"}],
        },
    },
}
# What this project's actions return, and one event of every other type.
VALID_EVENTS: list[dict[str, Any]] = [
    events.SlotSet("booking_first_name", "Sam"),
    events.SlotSet("booking_failures", 2),
    events.SlotSet("booking_confirmed", None),
    events.ActiveLoop("booking_form"),
    events.ActiveLoop(None),
    events.FollowupAction("booking_form"),
    events.AllSlotsReset(),
    events.Restarted(),
    events.UserUtteranceReverted(),
    events.ActionReverted(),
    events.ConversationPaused(),
    events.ConversationResumed(),
    events.SessionStarted(),
    events.ActionExecuted("utter_greet", policy="RulePolicy", confidence=1.0),
    events.BotUttered("Hello", {"buttons": []}, {"utter_action": "utter_greet"}),
    events.UserUttered("I'd like to book", PARSE_DATA, input_channel="rest"),
    {"event": "entities", "entities": [{"entity": "day", "value": "tuesday"}]},
    events.ActionExecutionRejected("booking_form"),
    events.LoopInterrupted(True),
    events.ReminderScheduled("EXTERNAL_reminder", datetime(2026, 12, 1, 9, 30)),
    events.ReminderCancelled(name="reminder"),
    events.StoryExported(),
    {"event": "form_validation", "validate": False},
    {"event": "form", "name": "booking_form"},
    {"event": "user_featurization", "use_text_for_featurization": False},
    {"event": "agent", "text": "Hi"},
]


def invalid_variants(event: dict[str, Any]) -> list[Any]:
    """Ways of breaking one event: its type, its shared fields, its own fields."""
    broken: list[Any] = [
        {**event, "event": "no_such_event"},
        {**event, "event": 7},
        {key: value for key, value in event.items() if key != "event"},
        {**event, "timestamp": "yesterday"},
        {**event, "metadata": ["not", "an", "object"]},
        [event],
        "slot",
        None,
    ]
    if event["event"] == "slot":
        broken += [
            {key: value for key, value in event.items() if key != "name"},
            {key: value for key, value in event.items() if key != "value"},
            {**event, "name": 12},
        ]
    if event["event"] == "user":
        bad_intent = copy.deepcopy(event)
        bad_intent["parse_data"]["intent"]["confidence"] = "high"
        bad_entities = copy.deepcopy(event)
        bad_entities["parse_data"]["entities"] = [{"start": 0}]
        broken += [bad_intent, bad_entities, {**event, "text": 5}]
    if event["event"] == "action":
        broken += [{**event, "hide_rule_turn": "yes"}, {**event, "name": 3}]
    if event["event"] == "entities":
        broken += [{**event, "entities": "tuesday"}]
    return broken


INVALID_EVENTS = [bad for event in VALID_EVENTS for bad in invalid_variants(event)]
ANSWERS: list[Any] = [
    {"events": [event], "responses": []} for event in VALID_EVENTS + INVALID_EVENTS
] + [
    {"events": VALID_EVENTS, "responses": [{"response": "utter_greet"}]},
    {"events": [*VALID_EVENTS, INVALID_EVENTS[0]], "responses": []},
    {},
    {"events": []},
    {"responses": [{"text": "hi"}]},
    {"events": "not a list", "responses": []},
    {"events": [], "responses": ["not an object"]},
    {"events": {}, "responses": []},
    [],
    "answer",
    None,
]


def rasa_accepts(answer: Any) -> bool:
    try:
        jsonschema.validate(answer, SCHEMA)
    except jsonschema.ValidationError:
        return False
    return True


@pytest.fixture(scope="module")
def validator() -> ActionResultValidator:
    return ActionResultValidator(SCHEMA)


def test_the_corpus_holds_both_kinds_of_answer() -> None:
    accepted = [answer for answer in ANSWERS if rasa_accepts(answer)]
    assert len(accepted) > len(VALID_EVENTS)
    assert len(ANSWERS) - len(accepted) > len(INVALID_EVENTS) / 2


@pytest.mark.parametrize("answer", ANSWERS)
def test_accepts_and_refuses_what_rasa_does(
    validator: ActionResultValidator, answer: Any
) -> None:
    assert validator.is_valid(answer) is rasa_accepts(answer)


@pytest.mark.parametrize("answer", [a for a in ANSWERS if not rasa_accepts(a)])
def test_a_refusal_carries_rasas_own_error(
    validator: ActionResultValidator, answer: Any
) -> None:
    with pytest.raises(jsonschema.ValidationError) as expected:
        jsonschema.validate(answer, SCHEMA)
    with pytest.raises(jsonschema.ValidationError) as refused:
        validator.validate(answer)
    assert refused.value.message == expected.value.message
    assert list(refused.value.path) == list(expected.value.path)


def test_every_event_type_of_the_schema_has_its_own_check(
    validator: ActionResultValidator,
) -> None:
    types = {event["event"] for event in VALID_EVENTS}
    branches = SCHEMA["properties"]["events"]["items"]["oneOf"]
    assert types == {branch["properties"]["event"]["const"] for branch in branches}
