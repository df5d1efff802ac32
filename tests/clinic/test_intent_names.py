"""The intent names code acts on are the contract's and Rasa's."""

from __future__ import annotations

from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME

from clinic.evaluation import CONTRACT_LABELS
from clinic.intent_names import (
    BOOK_APPOINTMENT,
    CRISIS,
    HUMAN_HANDOFF,
    NLU_FALLBACK,
    OUT_OF_SCOPE,
)


def test_the_fallback_intent_is_rasas() -> None:
    assert NLU_FALLBACK == DEFAULT_NLU_FALLBACK_INTENT_NAME


def test_the_named_intents_are_contract_labels() -> None:
    assert {BOOK_APPOINTMENT, CRISIS, HUMAN_HANDOFF, OUT_OF_SCOPE} <= CONTRACT_LABELS
