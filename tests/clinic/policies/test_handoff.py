"""The handoff policy, on real Rasa trackers and the project's domain."""

from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from clinic.policies.handoff import visitor_message_for_staff
from harness.servers import PROJECT_ROOT


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain"))


def tracker_after(
    domain: Domain, state: str | None, intent: str, then: str | None = None
) -> DialogueStateTracker:
    events = [ActionExecuted("action_listen")]
    if state:
        events.append(SlotSet("handoff_state", state))
    events.append(UserUttered("text", intent={"name": intent, "confidence": 1.0}))
    if then:
        events.append(ActionExecuted(then))
    return DialogueStateTracker.from_events("visitor", events, slots=domain.slots)


@pytest.mark.parametrize("state", ["waiting", "live"])
@pytest.mark.parametrize("intent", ["faq", "book_appointment", "greet", "nlu_fallback"])
def test_messages_for_staff_get_silence(
    domain: Domain, state: str, intent: str
) -> None:
    assert visitor_message_for_staff(tracker_after(domain, state, intent))


@pytest.mark.parametrize("intent", ["crisis", "end_handoff"])
def test_crisis_and_end_chat_go_to_the_rules(domain: Domain, intent: str) -> None:
    assert not visitor_message_for_staff(tracker_after(domain, "live", intent))


def test_without_a_handoff_the_assistant_answers(domain: Domain) -> None:
    assert not visitor_message_for_staff(tracker_after(domain, None, "faq"))


def test_the_assistant_finishes_its_own_turn(domain: Domain) -> None:
    tracker = tracker_after(domain, "live", "crisis", then="utter_crisis_support")
    assert not visitor_message_for_staff(tracker)
