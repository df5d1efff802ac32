"""Silence while a person from the clinic handles the conversation.

While a visitor waits for, or talks with, a staff member (slot ``handoff_state``
set by actions/handoff.py and the staff console), their messages are for that
person: the assistant predicts ``action_listen`` and says nothing. Two kinds of
message are left to the rules: a crisis (resources at once, and the staff
member alerted) and "end chat". The policy has a higher priority than the
RulePolicy, so it wins the tie at full confidence.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from clinic.intent_names import CRISIS, END_HANDOFF

HANDOFF_STATE_SLOT = "handoff_state"
# Left to the rules even while a person is in the chat.
PASS_THROUGH_INTENTS = frozenset({CRISIS, END_HANDOFF})


def visitor_message_for_staff(tracker: DialogueStateTracker) -> bool:
    """The visitor has just spoken, and the message is for the staff member."""
    if not tracker.get_slot(HANDOFF_STATE_SLOT):
        return False
    if tracker.latest_action_name != ACTION_LISTEN_NAME:
        return False  # the assistant is in the middle of its own turn
    intent = (tracker.latest_message.intent or {}).get("name")
    return intent not in PASS_THROUGH_INTENTS


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT,
    is_trainable=False,
)
class HandoffPolicy(Policy):
    """Predicts listening, not answering, while staff handle the conversation."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # RulePolicy's priority is 6: at equal confidence this one wins.
        return {"priority": 7}

    def train(
        self,
        training_trackers: list[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        if visitor_message_for_staff(tracker):
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
        return self._prediction(probabilities)
