"""Response generator: the domain's responses, filled with the clinic's facts.

Configured in endpoints.yml (``nlg: type: clinic.nlg.ClinicResponseGenerator``) and
run inside the Rasa server, so it works even when the action server is down.
Beyond Rasa's templating it
- keeps a conversation crisis-aware: once a crisis was detected (slot
  ``crisis_mode``), every later answer carries the crisis line and no booking
  prompt is shown (nor while a form, such as the booking form, is under way);
- asks "Would you like to book a consultation?" (``utter_offer_booking``) under
  an answer that offers a booking button, so a typed "yes" can accept it;
- drops buttons whose link is not configured (an empty ``booking_url``);
- under the answer to a long message that asks several things, offers the
  other questions it asked as buttons (``utter_other_questions``);
- shows booking details readably (``{booking_contact_display}``);
- tells replies whether the clinic's team is within its live-chat hours now
  (slot ``clinic_open``, filled for each reply and never stored), so the crisis
  reply offers the team only when it can answer;
- attaches the crisis resources as data (``custom``) to the crisis reply, so a web
  chat knows for certain that one was given (it pins them in view) without
  reading the text. Rasa's socket.io channel emits ``custom["data"]`` as a bot
  message of its own; the REST channel returns it as a message with a ``custom``
  key and no text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from clinic.booking.validators import describe_contact
from clinic.components.crisis_detector import CRISIS_DETECTION, MENTIONS_SUICIDE
from clinic.components.other_questions import OTHER_QUESTIONS
from clinic.components.readability import (
    ENGLISH,
    READABILITY,
    likeliest_language,
    mostly_latin,
)
from clinic.components.sanitizer import bounded
from clinic.follow_up import ANSWER_KEY, answer_in_context, previous_answer
from clinic.settings import ClinicSettings, CrisisResources, current_settings

CRISIS_MODE_SLOT = "crisis_mode"
# Within the clinic's live-chat hours now? Filled here for every reply, never
# stored; the crisis reply's variants depend on it (domain/crisis.yml).
CLINIC_OPEN_SLOT = "clinic_open"
CRISIS_RESPONSE_PREFIX = "utter_crisis"
CRISIS_SUPPORT_RESPONSE = "utter_crisis_support"
BOOKING_PAYLOAD = "/book_appointment"
BOOKING_OFFER_RESPONSE = "utter_offer_booking"
# Under an answer to a message that asked several things (clinic/components/
# other_questions.py): the other questions, each a button that asks it again.
OTHER_QUESTIONS_RESPONSE = "utter_other_questions"
FAQ_RESPONSE_PREFIX = "utter_faq/"
RESPONSE_PREFIX = "utter_"
HOPES_NOT_SHARED = "(not shared)"
# Not understood: a crisis the classifier and the phrases missed lands here
# ("I'm going to do it"), so these replies carry the crisis line too.
NOT_UNDERSTOOD_RESPONSES = frozenset(
    {
        "utter_clarify",
        "utter_clarify_no_guess",
        "utter_offer_person_after_misunderstanding",
        "utter_default",
    }
)
ENGLISH_ONLY_RESPONSE = "utter_english_only"
# Crisis phrases written in other languages (config/crisis_phrases.yml).
OTHER_LANGUAGE_PHRASES = "other_language"
CRISIS_REMINDER = (
    "If you are in danger or thinking about suicide, please {crisis_line}, "
    "or call {emergency_number}."
)


def keep_buttons(
    response: dict[str, Any], keep: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    buttons = [button for button in response.get("buttons") or [] if keep(button)]
    trimmed = {**response, "buttons": buttons}
    if not buttons:
        trimmed.pop("buttons")
    return trimmed


def without_unset_links(response: dict[str, Any]) -> dict[str, Any]:
    """Drops buttons whose payload is empty (a link the clinic has not configured)."""
    if not response.get("buttons"):
        return response
    return keep_buttons(response, lambda button: bool(button.get("payload")))


def without_booking_prompts(
    response: dict[str, Any], booking_url: str = ""
) -> dict[str, Any]:
    prompts = {BOOKING_PAYLOAD, booking_url} - {""}
    return keep_buttons(response, lambda button: button.get("payload") not in prompts)


def offers_booking(response: dict[str, Any]) -> bool:
    return any(
        button.get("payload") == BOOKING_PAYLOAD
        for button in response.get("buttons") or []
    )


def other_question_title(other: dict[str, Any], longest: int = 45) -> str:
    """The visitor's own words, cut at a word: "my husband is worried about
    addiction…" says which question a button asks better than a topic's name."""
    text = str(other.get("text", "")).strip()
    if len(text) > longest:
        text = f"{bounded(text, longest - 1).rstrip()}…"
    return text[:1].upper() + text[1:]


def booking_values(slots: dict[str, Any]) -> dict[str, str]:
    """Readable forms of the booking form's answers, for its summary."""
    contact = slots.get("booking_contact")
    hopes = slots.get("booking_hopes")
    return {
        "booking_contact_display": describe_contact(contact) if contact else "",
        "booking_hopes_display": hopes or HOPES_NOT_SHARED,
    }


def with_crisis_reminder(
    response: dict[str, Any], values: dict[str, str]
) -> dict[str, Any]:
    text = response.get("text") or ""
    if values["crisis_line"] in text:
        return response
    reminder = CRISIS_REMINDER.format(**values)
    return {**response, "text": f"{text}\n\n{reminder}".strip()}


def language_of_foreign_message(parse_data: dict[str, Any]) -> str:
    """The language ("es") of a message read as another language or caught by
    a crisis phrase in one; "" for English. A short risk message ("quiero
    morir") is too short for the readability check to call it foreign."""
    readability = parse_data.get(READABILITY) or {}
    detection = parse_data.get(CRISIS_DETECTION) or {}
    foreign = readability.get("english") is False or (
        OTHER_LANGUAGE_PHRASES in (detection.get("categories") or ())
    )
    text = str(parse_data.get("text") or "")
    words = text.split()
    # The identifier knows Latin-script languages only: Cyrillic or Chinese
    # would come out as one of them at random.
    if not foreign or not words or not mostly_latin(words):
        return ""
    language = likeliest_language(text)
    return "" if language == ENGLISH else language


def with_line_in_language(
    response: dict[str, Any], line: str, first: bool
) -> dict[str, Any]:
    """The crisis line in the visitor's language before (a crisis) or after
    (the English-only reply) the English text."""
    text = str(response.get("text") or "")
    parts = [line, text] if first else [text, line]
    return {**response, "text": "\n\n".join(part for part in parts if part)}


def crisis_data(crisis: CrisisResources) -> dict[str, Any]:
    """The crisis resources as data, for channels that show them apart."""
    return {
        "crisis_resources": list(crisis.resources),
        "crisis_line": crisis.short,
        "crisis_call": crisis.call,
        "emergency_number": crisis.emergency,
    }


def with_crisis_data(
    response: dict[str, Any], crisis: CrisisResources
) -> dict[str, Any]:
    return {**response, "custom": {"data": crisis_data(crisis)}}


class ClinicResponseGenerator(TemplatedNaturalLanguageGenerator):
    """Templated responses with clinic facts and crisis awareness."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        domain: Domain | None = None,
        settings: ClinicSettings | None = None,
    ) -> None:
        super().__init__((domain or Domain.empty()).responses)
        self._settings = settings

    @property
    def settings(self) -> ClinicSettings:
        return self._settings or current_settings()

    @staticmethod
    def _now() -> datetime:
        return datetime.now(timezone.utc)

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        if utter_action.startswith(FAQ_RESPONSE_PREFIX):
            return self._faq_answer(utter_action, tracker, output_channel, kwargs)
        return self._generate(utter_action, tracker, output_channel, kwargs)

    def _faq_answer(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        kwargs: dict[str, Any],
    ) -> dict[str, Any] | None:
        """The chosen FAQ answer, or the previous topic's for a short follow-up
        (clinic/follow_up.py); the bot message names the answer given."""
        message = tracker.latest_message
        in_context = answer_in_context(
            (message.text or "") if message else "",
            message.parse_data if message else {},
            previous_answer(tracker.events),
        )
        if in_context:
            utter_action = f"{RESPONSE_PREFIX}{in_context}"
        answered = utter_action.removeprefix(RESPONSE_PREFIX)
        asked = (message.parse_data.get(OTHER_QUESTIONS) if message else None) or []
        others = [other for other in asked if other.get("answer") != answered]
        response = self._generate(
            utter_action, tracker, output_channel, kwargs, others=others
        )
        if response is None:
            return None
        return {**response, ANSWER_KEY: answered}

    def _generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        kwargs: dict[str, Any],
        others: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any] | None:
        slots = {
            **tracker.current_slot_values(),
            CLINIC_OPEN_SLOT: self.settings.live_chat.is_open(self._now()),
        }
        values = {**self.settings.template_values(), **booking_values(slots)}
        response = self.generate_from_slots(
            utter_action, slots, output_channel, **{**values, **kwargs}
        )
        if response is None:
            return None
        response = without_unset_links(response)
        in_crisis = bool(slots.get(CRISIS_MODE_SLOT))
        if others and not in_crisis and tracker.active_loop_name is None:
            response = self._with_other_questions(
                response, others, slots, output_channel
            )
        if in_crisis:
            response = without_booking_prompts(response, values["booking_url"])
        elif tracker.active_loop_name is not None:
            # In a form (booking, call-back), "book a consultation?" only confuses;
            # the online scheduler link stays.
            response = without_booking_prompts(response)
        if utter_action in (CRISIS_SUPPORT_RESPONSE, ENGLISH_ONLY_RESPONSE):
            response = self._with_line_in_visitors_language(
                response, tracker, first=utter_action == CRISIS_SUPPORT_RESPONSE
            )
        if utter_action == CRISIS_SUPPORT_RESPONSE:
            return with_crisis_data(response, self.settings.crisis)
        if utter_action.startswith(CRISIS_RESPONSE_PREFIX):
            return response
        if (
            in_crisis
            or self._mentions_suicide(tracker)
            or utter_action in NOT_UNDERSTOOD_RESPONSES
        ):
            return with_crisis_reminder(response, values)
        if utter_action.startswith(FAQ_RESPONSE_PREFIX) and offers_booking(response):
            return self._with_booking_offer(response, slots, output_channel)
        return response

    def _with_line_in_visitors_language(
        self, response: dict[str, Any], tracker: DialogueStateTracker, first: bool
    ) -> dict[str, Any]:
        message = tracker.latest_message
        language = language_of_foreign_message(message.parse_data) if message else ""
        line = self.settings.crisis.in_language(language) if language else ""
        return with_line_in_language(response, line, first) if line else response

    @staticmethod
    def _mentions_suicide(tracker: DialogueStateTracker) -> bool:
        message = tracker.latest_message
        return bool(message and message.parse_data.get(MENTIONS_SUICIDE))

    def _with_other_questions(
        self,
        response: dict[str, Any],
        others: list[dict[str, Any]],
        slots: dict[str, Any],
        output_channel: str,
    ) -> dict[str, Any]:
        """The answer, then a line inviting the visitor to tap for the rest,
        and a button per other question, which asks it again on its own."""
        intro = self.generate_from_slots(
            OTHER_QUESTIONS_RESPONSE, slots, output_channel
        )
        if not intro or not intro.get("text"):
            return response
        buttons = [
            {"title": other_question_title(other), "payload": str(other["text"])}
            for other in others
        ]
        return {
            **response,
            "text": f"{response.get('text') or ''}\n\n{intro['text']}",
            "buttons": [*buttons, *(response.get("buttons") or [])],
        }

    def _with_booking_offer(
        self, response: dict[str, Any], slots: dict[str, Any], output_channel: str
    ) -> dict[str, Any]:
        offer = self.generate_from_slots(BOOKING_OFFER_RESPONSE, slots, output_channel)
        if not offer or not offer.get("text"):
            return response
        return {**response, "text": f"{response.get('text') or ''}\n\n{offer['text']}"}
