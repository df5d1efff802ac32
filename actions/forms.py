"""Behaviour every clinic form shares, on top of rasa-sdk's FormValidationAction.

- Each visitor message is first sorted (`sort_turn`): an answer to the question
  asked, a wish to stop, or an aside (a question, a request for a person, a
  crisis) that the form must step aside for. Only answers are extracted, so an
  aside makes Rasa reject the form and the dialogue rules answer it; the form
  then asks its question again.
- A free-text question (`free_text_slots`: what the visitor wants to talk about,
  what they hope for) takes the message as typed, whatever intent it parses to
  ("please call me about the cost" is the topic, not a question to answer), unless
  it signals a crisis or asks to stop.
- "stop" is confirmed before anything is thrown away.
- Wrong answers are counted; the third in a row ends the form, so the visitor is
  offered the phone number or a person instead of a loop.
Slot names are derived from the form's prefix: ``<prefix>_error``,
``<prefix>_failures``, ``<prefix>_outcome``, ``<prefix>_stop_pending`` and
``<prefix>_stop_confirmed``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from abc import abstractmethod
from collections.abc import Callable
from enum import Enum
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from clinic.booking.validators import Parsed, parse_consent
from clinic.intent_names import CLINIC_INFO, CRISIS, HUMAN_HANDOFF, OUT_OF_SCOPE
from clinic.text_cleaning import remove_control_characters, strip_markup

logger = logging.getLogger(__name__)

REQUESTED_SLOT = "requested_slot"
MAX_FAILURES = 3
MAX_ANSWER_CHARS = 2000

STOP_INTENTS = frozenset({"cancel", "goodbye"})
STOP_CONFIDENCE = 0.5
# Intents the dialogue rules answer in the middle of a form; the form then resumes.
ASIDE_INTENTS = frozenset(
    {"faq", OUT_OF_SCOPE, "help", "bot_challenge", HUMAN_HANDOFF, CLINIC_INFO}
)
ASIDE_CONFIDENCE = 0.6
# Typed exactly, these always mean "stop", whatever the classifier thinks.
STOP_WORDS = frozenset(
    {"stop", "cancel", "quit", "exit", "never mind", "nevermind", "forget it"}
)
YES_INTENT, NO_INTENT = "affirm", "deny"
# Actions that run between the visitor's message and the form itself.
_BOOKKEEPING_ACTIONS = ("action_extract_slots",)


class Turn(Enum):
    ANSWER = "answer"
    STOP = "stop"
    ASIDE = "aside"


class Outcome(str, Enum):
    CONFIRMED = "confirmed"
    STOPPED = "stopped"
    TOO_MANY_TRIES = "too_many_tries"
    NO_CONSENT = "no_consent"


async def store_then_acknowledge(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    store: Callable[[], str],
    received: str,
    not_saved: str,
) -> str | None:
    """Runs `store` (a database write returning a reference, in a thread), then
    utters `received` with ``reference``; if the write fails, utters `not_saved`
    instead and returns None. Nothing is acknowledged that was not stored."""
    try:
        reference = await asyncio.to_thread(store)
    except (SQLAlchemyError, OSError) as error:
        logger.error(
            "%s of conversation %s: nothing stored: %s",
            received,
            tracker.sender_id,
            type(error).__name__,
        )
        dispatcher.utter_message(response=not_saved)
        return None
    dispatcher.utter_message(response=received, reference=reference)
    return reference


def form_reset_events(
    prefix: str, answers: tuple[str, ...], keep_answers: bool = False
) -> list[EventType]:
    """Clears a form's bookkeeping slots, and its answers unless `keep_answers`."""
    events = [
        SlotSet(f"{prefix}_error", None),
        SlotSet(f"{prefix}_failures", 0),
        SlotSet(f"{prefix}_outcome", None),
        SlotSet(f"{prefix}_stop_pending", False),
        SlotSet(f"{prefix}_stop_confirmed", None),
    ]
    if not keep_answers:
        events += [SlotSet(slot, None) for slot in answers]
    return events


def visitor_text(tracker: Tracker) -> str:
    """The visitor's latest message as typed (markup removed, length bounded).

    The NLU's copy has its punctuation stripped, which would break addresses
    such as jo@example.org, so the original text of the event is used.
    """
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return typed_text(event)
    return ""


def typed_text(user_event: dict[str, Any]) -> str:
    """A visitor message event's text as typed, markup removed, length bounded."""
    text = str(user_event.get("text") or "")[:MAX_ANSWER_CHARS]
    return remove_control_characters(strip_markup(text)).strip()


def latest_intent(tracker: Tracker) -> tuple[str, float]:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)


def is_stop_request(text: str, intent: str, confidence: float) -> bool:
    words = re.sub(r"[^\w\s]", "", text.lower()).strip()
    if words in STOP_WORDS:
        return True
    return intent in STOP_INTENTS and confidence >= STOP_CONFIDENCE


def is_resuming_after_aside(tracker: Tracker, form_name: str) -> bool:
    """True when the form runs again after a rule answered an aside.

    On a fresh answer the last action before the form is ``action_listen``; when
    the form resumes, it is the rule's reply (``utter_faq``, ...).
    """
    for event in reversed(tracker.events):
        if event.get("event") != "action":
            continue
        name = event.get("name")
        if name in (form_name, *_BOOKKEEPING_ACTIONS):
            continue
        return name != "action_listen"
    return False


class ClinicFormValidationAction(FormValidationAction):
    """Validation action with stop, asides and failure counting built in.

    Subclasses name their slot prefix, give a parser per question through
    `parses_as_answer`, and write one ``validate_<slot>`` per slot that ends in
    `accept` or `reject`.
    """

    slot_prefix: str = ""
    # Questions answered in the visitor's own words: any message but a crisis or
    # a wish to stop is the answer, never an aside.
    free_text_slots: frozenset[str] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # rasa-sdk looks validators up by slot name: give each form its stop ones.
        super().__init_subclass__(**kwargs)
        if cls.slot_prefix:
            prefix = f"validate_{cls.slot_prefix}"
            setattr(cls, f"{prefix}_stop_pending", cls._validate_stop_pending_slot)
            setattr(cls, f"{prefix}_stop_confirmed", cls._validate_stop_confirmed_slot)

    @abstractmethod
    def name(self) -> str:
        """The action's name: ``validate_<form>``."""

    @abstractmethod
    def parses_as_answer(self, slot: str, text: str) -> bool:
        """Whether `text` is a valid answer to the question for `slot`."""

    def slot(self, suffix: str) -> str:
        return f"{self.slot_prefix}_{suffix}"

    # Extraction ------------------------------------------------------------------

    def sort_turn(self, tracker: Tracker, slot: str, text: str) -> Turn:
        intent, confidence = latest_intent(tracker)
        if intent == CRISIS:
            return Turn.ASIDE
        if (
            is_stop_request(text, intent, confidence)
            and not self.is_yes_or_no_slot(slot)
            and not self.is_skip_answer(slot, text)
        ):
            return Turn.STOP
        if slot in self.free_text_slots:
            return Turn.ANSWER
        if (
            intent in ASIDE_INTENTS
            and confidence >= ASIDE_CONFIDENCE
            and not self.parses_as_answer(slot, text)
        ):
            return Turn.ASIDE
        return Turn.ANSWER

    def is_skip_answer(self, slot: str, text: str) -> bool:
        """An answer that skips an optional question ("skip"), not a stop."""
        return False

    def is_yes_or_no_slot(self, slot: str) -> bool:
        """Questions answered yes or no; there "no" is an answer, not a stop."""
        return slot == self.slot("stop_confirmed")

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Extracts the answer to the question asked, and nothing else."""
        requested = tracker.get_slot(REQUESTED_SLOT)
        if not requested or is_resuming_after_aside(tracker, self.form_name()):
            return []
        text = visitor_text(tracker)
        turn = self.sort_turn(tracker, requested, text)
        if turn is Turn.ASIDE:
            return []
        if turn is Turn.STOP:
            return [SlotSet(self.slot("stop_pending"), True)]
        return [SlotSet(requested, text)]

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        if is_resuming_after_aside(tracker, self.form_name()):
            # The question is asked afresh, not with the last re-ask's wording.
            events.append(SlotSet(self.slot("error"), None))
        return events

    # Which questions remain -----------------------------------------------------

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot(self.slot("outcome")):
            return []
        if tracker.get_slot(self.slot("stop_pending")):
            return [self.slot("stop_pending"), self.slot("stop_confirmed")]
        return [slot for slot in domain_slots if slot != self.slot("stop_confirmed")]

    # Validation helpers ---------------------------------------------------------

    def is_fresh_answer(self, tracker: Tracker, slot: str) -> bool:
        """False when a value is only re-checked (e.g. prefilled at re-activation)."""
        return tracker.get_slot(REQUESTED_SLOT) == slot and not is_resuming_after_aside(
            tracker, self.form_name()
        )

    def check(
        self, slot: str, value: Any, tracker: Tracker, parsed: Parsed
    ) -> dict[str, Any]:
        """Accepts or rejects a fresh answer; a value only re-checked stays."""
        if not self.is_fresh_answer(tracker, slot):
            return {slot: value}
        if parsed.ok:
            return self.accept(slot, parsed.value)
        return self.reject(slot, parsed.error, tracker)

    def accept(self, slot: str, value: Any) -> dict[str, Any]:
        return {slot: value, self.slot("error"): None, self.slot("failures"): 0}

    def reject(self, slot: str, error: str | None, tracker: Tracker) -> dict[str, Any]:
        failures = int(tracker.get_slot(self.slot("failures")) or 0) + 1
        if failures >= MAX_FAILURES:
            return {
                slot: None,
                self.slot("error"): None,
                self.slot("failures"): 0,
                self.slot("outcome"): Outcome.TOO_MANY_TRIES.value,
            }
        return {slot: None, self.slot("error"): error, self.slot("failures"): failures}

    def finish(self, outcome: Outcome, **slots: Any) -> dict[str, Any]:
        return {**slots, self.slot("error"): None, self.slot("outcome"): outcome.value}

    def yes_or_no(self, tracker: Tracker, value: Any) -> bool | None:
        """The visitor's yes or no: a button, or words that say it plainly.

        The classifier's affirm/deny is not trusted for typed text here: it reads
        "not sure" as yes, and consent must be given, not guessed.
        """
        if isinstance(value, bool):
            return value
        text = str(value or "").strip()
        if text.startswith("/"):
            intent, _ = latest_intent(tracker)
            return {YES_INTENT: True, NO_INTENT: False}.get(intent)
        parsed = parse_consent(text)
        return parsed.value if parsed.ok and isinstance(parsed.value, bool) else None

    # Stopping --------------------------------------------------------------------

    def _validate_stop_pending_slot(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return {self.slot("stop_pending"): bool(value), self.slot("error"): None}

    def _validate_stop_confirmed_slot(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        intent, confidence = latest_intent(tracker)
        wants_to_stop = self.yes_or_no(tracker, value)
        if is_stop_request(str(value or ""), intent, confidence):
            wants_to_stop = True
        if wants_to_stop:
            return self.finish(Outcome.STOPPED, **{self.slot("stop_confirmed"): True})
        if wants_to_stop is False:
            dispatcher.utter_message(response=f"utter_{self.slot_prefix}_continue")
            return {
                self.slot("stop_pending"): False,
                self.slot("stop_confirmed"): None,
                self.slot("error"): None,
            }
        return self.reject(self.slot("stop_confirmed"), None, tracker)
