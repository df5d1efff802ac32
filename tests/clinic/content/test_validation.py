"""The content rules: the real project passes, and each rule's checks."""

from __future__ import annotations

import time

from clinic.content.validation import (
    Example,
    link_problems_in_text,
    near_identical_pairs,
    normalise,
    payload_problem,
    placeholder_problems,
    validate_project,
)
from tests.clinic.content.conftest import PROJECT


def test_the_real_project_passes_every_rule() -> None:
    started = time.perf_counter()
    problems = validate_project(PROJECT)
    assert problems == []
    # Rasa's own validation is most of it (seconds); keep an eye on it.
    assert time.perf_counter() - started < 60


def test_examples_are_compared_without_case_punctuation_or_extra_spaces() -> None:
    assert normalise("  How much does Ketamine COST?! ") == (
        "how much does ketamine cost"
    )


def example(topic: str, text: str) -> Example:
    return Example(topic, text, normalise(text))


def test_near_identical_means_a_typo_or_very_close_wording() -> None:
    others = [
        example("faq/cost", "how much does ketamine cost"),
        example("deny", "never mind"),
        example("faq/mechanism", "how does ketamine work for depression"),
    ]
    typo = example("faq/safety", "how much does ketamine cots")
    spacing = example("cancel", "nevermind")
    different = example("faq/effectiveness", "does ketamine work for depression")
    pairs = near_identical_pairs([typo, spacing, different], others)
    assert [(query.text, other.text) for query, other in pairs] == [
        ("how much does ketamine cots", "how much does ketamine cost")
    ]


def test_links_must_be_well_formed() -> None:
    assert (
        link_problems_in_text("See https://example.org/book or [us](https://x.org)")
        == []
    )
    assert link_problems_in_text("Book at www.example.org") != []
    assert link_problems_in_text("Book at https:/example.org") != []
    assert link_problems_in_text("Book at https://example") != []
    assert link_problems_in_text("[Book] (https://example.org)") != []
    assert link_problems_in_text("[](https://example.org)") != []


def test_button_payloads_name_known_intents_or_links() -> None:
    intents = frozenset({"book_appointment"})
    assert payload_problem("/book_appointment", intents) == ""
    assert payload_problem("How does it work?", intents) == ""
    assert payload_problem("/book_apointment", intents) != ""
    assert payload_problem("https://example", intents) != ""


def test_only_the_clinic_s_details_can_be_placeholders() -> None:
    known = frozenset({"clinic_phone"})
    assert placeholder_problems("Call {clinic_phone}.", known) == []
    assert placeholder_problems("Call {clinic_fone}.", known) != []
    assert placeholder_problems("Call {clinic_phone.", known) != []
