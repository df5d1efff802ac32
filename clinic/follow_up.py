"""Short follow-ups answered within the topic just discussed.

After the answer on how well ketamine works, "and how long does it last?" is
about how long *the benefit* lasts, although on its own it reads like a question
about side effects. The classifier labels each message alone (the contract's
label stays context-free); when the answer is chosen, the response generator
(clinic/nlg.py) asks this module whether the message is a follow-up of the
previous answer and, if so, gives the best answer of that topic instead.

A follow-up is short and leans on what came before: it starts with "and",
"what about", "also" ... or points back with "it", "that", "they". It stays
with the previous topic only when the classifier did not clearly name another
topic and the topic's answer model clearly prefers one of its answers. One that
does not point back ("what about insurance", "and the risks?") names its own
subject, so a fairly sure reading of another topic is enough to change topic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from rasa.shared.core.events import BotUttered, Event, UserUttered

from clinic.components.parse_result import ANSWER_RANKING_KEY
from clinic.intent_names import topic_of

FAQ = "faq"
ANSWER_KEY = "answer_key"  # kept in the bot message's metadata
UTTER_PREFIX = "utter_"
FOLLOW_UP_MAX_WORDS = 9
# The classifier is this sure of another topic: a new question, not a follow-up.
NEW_TOPIC_CONFIDENCE = 0.9
# The same for a follow-up that does not point back with "it", "that" ...: its
# subject is its own. "what about insurance" reads 0.89 cost, "and how long?"
# (which leans on the answer before) 0.49 effectiveness.
NAMED_TOPIC_CONFIDENCE = 0.8
# The previous topic's answer model must clearly prefer one of its answers: a
# new question ("what about anxiety?") spreads over the previous topic's answers.
WITHIN_TOPIC_CONFIDENCE = 0.9
CONNECTIVE = re.compile(
    r"^(?:and|also|plus|so|but|then|ok(?:ay)?,? and|what about|how about|"
    r"and what about|what if|is that|does that|will that|would that)\b",
    re.IGNORECASE,
)
POINTING_BACK = frozenset({"it", "that", "this", "they", "them", "those", "these"})
WORD = re.compile(r"[a-z']+")


def is_follow_up(text: str) -> bool:
    words = WORD.findall(text.lower())
    if not words or len(words) > FOLLOW_UP_MAX_WORDS:
        return False
    return bool(CONNECTIVE.match(text.strip())) or points_back(words)


def points_back(words: list[str]) -> bool:
    return not POINTING_BACK.isdisjoint(words)


def new_topic_confidence(text: str) -> float:
    """How sure the classifier must be of another topic for a new question."""
    if points_back(WORD.findall(text.lower())):
        return NEW_TOPIC_CONFIDENCE
    return NAMED_TOPIC_CONFIDENCE


def answer_key_of(event: BotUttered) -> str | None:
    """The FAQ answer a bot message gave (``faq/effectiveness.how_fast``)."""
    metadata = event.metadata or {}
    key = metadata.get(ANSWER_KEY)
    if key:
        return str(key)
    action = str(metadata.get("utter_action") or "")
    if action.startswith(f"{UTTER_PREFIX}{FAQ}/"):
        return action.removeprefix(UTTER_PREFIX)
    return None


def previous_answer(events: Sequence[Event]) -> str | None:
    """The FAQ answer given in reply to the visitor's previous message."""
    seen_latest_message = False
    for event in reversed(events):  # newest first, without copying the history
        if isinstance(event, UserUttered):
            if seen_latest_message:
                return None
            seen_latest_message = True
        elif seen_latest_message and isinstance(event, BotUttered):
            key = answer_key_of(event)
            if key:
                return key
    return None


def topic_confidences(selector: Mapping[str, Any]) -> dict[str, float]:
    return {
        topic_of(str(entry.get("intent_response_key"))): float(
            entry.get("confidence") or 0.0
        )
        for entry in selector.get("ranking") or []
    }


def answer_in_context(
    text: str, parse_data: Mapping[str, Any], previous: str | None
) -> str | None:
    """The answer of the previous topic this follow-up asks for, or None when
    the classifier's own choice stands."""
    if not previous or not is_follow_up(text):
        return None
    selector = (parse_data.get("response_selector") or {}).get(FAQ) or {}
    chosen = (selector.get("response") or {}).get("intent_response_key")
    previous_topic = topic_of(previous)
    if not chosen or topic_of(str(chosen)) == previous_topic:
        return None
    if topic_confidences(selector).get(topic_of(str(chosen)), 0.0) >= (
        new_topic_confidence(text)
    ):
        return None
    answers = (selector.get(ANSWER_RANKING_KEY) or {}).get(previous_topic) or []
    if not answers:
        return None  # a topic with one answer: nothing finer to give
    best, confidence = answers[0]
    if float(confidence) < WITHIN_TOPIC_CONFIDENCE:
        return None
    return str(best)
