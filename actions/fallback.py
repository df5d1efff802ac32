"""Two-stage fallback: suggest the likely topics, then offer a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.topics import FAQ_SUGGESTIONS, INTENT_SUGGESTIONS, Suggestion
from clinic.intent_names import NLU_FALLBACK, topic_of

MAX_SUGGESTIONS = 3
# Suggest a topic only if the classifier gave it at least this much weight.
MIN_SUGGESTION_CONFIDENCE = 0.05


def user_intents(tracker: Tracker) -> list[str | None]:
    """Intent names of the visitor's messages in this session, latest first."""
    intents = []
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            break
        if event.get("event") == "user":
            intents.append(
                ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            )
    return intents


def is_second_miss_in_a_row(tracker: Tracker) -> bool:
    intents = user_intents(tracker)
    return len(intents) >= 2 and intents[1] == NLU_FALLBACK


def faq_suggestions(parse_data: dict[str, Any]) -> list[Suggestion]:
    ranking = ((parse_data.get("response_selector") or {}).get("faq") or {}).get(
        "ranking"
    ) or []
    topics = [
        topic_of(str(entry.get("intent_response_key") or ""))
        for entry in ranking
        if entry.get("confidence", 0) >= MIN_SUGGESTION_CONFIDENCE
    ]
    return [FAQ_SUGGESTIONS[topic] for topic in topics if topic in FAQ_SUGGESTIONS]


def likely_topics(parse_data: dict[str, Any]) -> list[Suggestion]:
    """The topics the visitor most probably meant, best first, without repeats."""
    suggestions: list[Suggestion] = []
    for entry in parse_data.get("intent_ranking") or []:
        if entry.get("confidence", 0) < MIN_SUGGESTION_CONFIDENCE:
            continue
        name = entry.get("name")
        if name == "faq":
            suggestions.extend(faq_suggestions(parse_data)[:2])
        elif name in INTENT_SUGGESTIONS:
            suggestions.append(INTENT_SUGGESTIONS[name])
    unique = list(dict.fromkeys(suggestions))
    return unique[:MAX_SUGGESTIONS]


class ActionClarifyUnclearMessage(Action):
    """Answers a message the NLU could not classify with confidence."""

    def name(self) -> str:
        return "action_clarify_unclear_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        parse_data = tracker.latest_message or {}
        readability = parse_data.get("readability") or {}
        if readability.get("has_words") is False:
            dispatcher.utter_message(response="utter_no_words")
        elif readability.get("english") is False:
            dispatcher.utter_message(response="utter_english_only")
        elif is_second_miss_in_a_row(tracker):
            dispatcher.utter_message(
                response="utter_offer_person_after_misunderstanding"
            )
        elif suggestions := likely_topics(parse_data):
            buttons = [{"title": s.title, "payload": s.payload} for s in suggestions]
            buttons.append(
                {"title": "Something else", "payload": "What can you help me with?"}
            )
            dispatcher.utter_message(response="utter_clarify", buttons=buttons)
        else:
            dispatcher.utter_message(response="utter_clarify_no_guess")
        return []
