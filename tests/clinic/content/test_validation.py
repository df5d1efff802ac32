"""The content rules: the real project passes, and each rule's checks."""

from __future__ import annotations

import time

import pytest

from clinic.content.example_rules import Example, near_identical_pairs
from clinic.content.link_rules import (
    link_problems_in_text,
    payload_problem,
    placeholder_problems,
)
from clinic.content.project_content import normalise
from clinic.content.validation import validate_project
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
        example("faq/cost.price", "how much does ketamine cost"),
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


@pytest.mark.parametrize(
    "text",
    [
        "[call us](javascript:alert(1))",  # parentheses once hid it from the rule
        "[call us](JavaScript:alert(document.cookie))",
        "[call us]( javascript:void(0))",
        "[call us](data:text/html,<b>hi</b>)",
        "[call us](vbscript:msgbox(1))",
        "[call us](ｊａｖａｓｃｒｉｐｔ:alert(1))",  # full-width letters
    ],
)
def test_link_targets_other_than_web_email_or_phone_are_refused(text: str) -> None:
    assert link_problems_in_text(text) != []


def test_web_email_phone_and_clinic_links_are_allowed() -> None:
    for text in (
        "[our page](https://example.org/a_(b))",
        "[email us](mailto:care@example.org)",
        "[call](tel:+16175550100)",
        "[book]({booking_link})",
    ):
        assert link_problems_in_text(text) == [], text


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


def test_every_answer_s_grade_is_listed_in_docs_content_md() -> None:
    from clinic.content.__main__ import answer_grades
    from clinic.content.readability import with_grades

    document = (PROJECT / "docs" / "content.md").read_text(encoding="utf-8")
    assert with_grades(document, answer_grades(PROJECT)) == document, (
        "docs/content.md is out of date: python -m clinic.content grades --write"
    )


def test_grades_count_placeholders_and_links_as_short_words() -> None:
    from clinic.content.readability import grade_level, readable_words

    assert readable_words("Call {clinic_phone} or [book](https://x.org/a)") == (
        "Call this or book"
    )
    assert grade_level("Ketamine can help. Many people feel better.") < 4
    assert (
        grade_level(
            "Pharmacological antagonism of N-methyl-D-aspartate receptors facilitates "
            "synaptogenesis and neuroplasticity in corticolimbic circuitry."
        )
        > 12
    )


def test_emergency_help_named_without_the_regions_number_is_found() -> None:
    from clinic.content.crisis_rules import HARD_CODED_EMERGENCY

    for text in (
        "go to the emergency room",
        "Go to the nearest Emergency Department.",
        "contact your local emergency services",
        "go to A&E",
        "go to the ER now",
        "call 911",
        "ring 999.",
        "call 000 now",
    ):
        assert HARD_CODED_EMERGENCY.search(text), text
    for text in (
        "In an emergency, call {emergency_number}.",
        "The clinic keeps emergency equipment ready.",
        "A course costs $2,000 or 2 000 dollars.",
        "Call (555) 010-0142.",
        "ERs and OTHERS",
    ):
        assert not HARD_CODED_EMERGENCY.search(text), text
