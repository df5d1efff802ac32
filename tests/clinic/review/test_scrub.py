"""Personal details out of visitors' messages (clinic/review/scrub.py)."""

from __future__ import annotations

import pytest

from clinic.review.scrub import scrub


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("email me at sarah.connor+clinic@mail.example.com", "email me at (email)"),
        ("J_DOE@Example.CO.UK is best", "(email) is best"),
        ("a@b.io or c.d@e-f.org", "(email) or (email)"),
    ],
)
def test_email_addresses(text: str, scrubbed: str) -> None:
    assert scrub(text, region="US") == scrubbed


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("call 415-555-0132", "call (phone)"),
        ("my number is (415) 555 0132.", "my number is (phone)."),
        ("415.555.0132 after 5", "(phone) after 5"),
        ("+1 415 555 0132", "(phone)"),
        ("text +44 20 7946 0958 please", "text (phone) please"),
        ("in France: +33 1 42 68 53 00", "in France: (phone)"),
        ("4155550132", "(phone)"),
        ("just 555-0132 at home", "just (phone) at home"),
    ],
)
def test_phone_numbers_national_and_international(text: str, scrubbed: str) -> None:
    assert scrub(text, region="US") == scrubbed


def test_phone_numbers_are_read_in_the_given_region() -> None:
    assert scrub("ring 020 7946 0958", region="GB") == "ring (phone)"


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("Hi, my name is Sarah Connor.", "Hi, my name is (name)."),
        ("my name is sarah", "my name is (name)"),
        (
            "Hello, I'm Dana and I have questions",
            "Hello, I'm (name) and I have questions",
        ),
        ("I’m Priya Patel", "I’m (name)"),
        ("this is Tom from Denver", "this is (name) from Denver"),
        ("you can call me Jo", "you can call me (name)"),
        ("I am Miguel", "I am (name)"),
    ],
)
def test_introduced_names(text: str, scrubbed: str) -> None:
    assert scrub(text, region="US") == scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "I'm Sad",
        "I'm worried about side effects",
        "I'm anxious",
        "I'm Anxious and Depressed",
        "I'm Overwhelmed",
        "I am Pregnant, is ketamine safe?",
        "I'm on Zoloft and Lexapro",
        "this is Ketamine right?",
        "does Spravato work like ketamine",
        "call me back tomorrow",
        "call me anytime",
        "my name is not important",
        "a session is 40 minutes and costs $450 for 6 sessions",
        "I'm 34 and have tried 3 SSRIs",
    ],
)
def test_what_is_not_personal_stays(text: str) -> None:
    assert scrub(text, region="US") == text


def test_known_details_are_scrubbed_whole_word_in_any_case() -> None:
    known = ["Sarah Connor", "sarah@example.com", "+14155550132", "Jo"]
    text = "SARAH here (Connor). Mail SARAH@example.com, Jo or Joanna, jokes aside"
    assert scrub(text, known, region="US") == (
        "(name) here ((name)). Mail (email), (name) or Joanna, jokes aside"
    )


def test_a_known_phone_number_is_scrubbed_however_it_is_written() -> None:
    assert scrub("ring 415 555 0132", ["+14155550132"], region="US") == "ring (phone)"


def test_empty_known_values_are_ignored() -> None:
    assert scrub("hello there", ["", "  "], region="US") == "hello there"


def test_the_region_defaults_to_the_clinics() -> None:
    assert scrub("call 415-555-0132") == "call (phone)"


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("this is Dr. Patel referring a patient", "this is (name) referring a patient"),
        (
            "my therapist, Dr Amy Wong, suggested it",
            "my therapist, (name), suggested it",
        ),
        ("can my husband John drive me home", "can my husband (name) drive me home"),
        ("hi it's Maria here", "hi it's (name) here"),
        ("my birthday is 04/12/1990", "my birthday is (date)"),
        ("I started on 2024-01-15", "I started on (date)"),
        ("my doctor said I should try it", "my doctor said I should try it"),
        ("it's Ketamine right?", "it's Ketamine right?"),
    ],
)
def test_titles_relatives_and_dates_are_scrubbed(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed
