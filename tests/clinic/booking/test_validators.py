"""The booking form's answer parsers, fed what visitors really type on phones."""

from __future__ import annotations

import dataclasses
import logging
import signal
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from clinic.booking.validators import (
    CONSENT_UNCLEAR,
    CONTACT_MISSING,
    DAYS_MISSING,
    DAYS_ONLY_TIME,
    EMAIL_INVALID,
    EMPTY,
    ERROR_CODES,
    NAME_HAS_DIGITS,
    NAME_LOOKS_LIKE_CONTACT,
    NAME_NOT_A_NAME,
    NAME_TOO_LONG,
    PHONE_INVALID,
    PHONE_TOO_LONG,
    PHONE_TOO_SHORT,
    TIME_MISSING,
    Parsed,
    contact_kind,
    describe_contact,
    mentioned_contact_kind,
    parse_consent,
    parse_contact,
    parse_days,
    parse_first_name,
    parse_hopes,
    parse_time_of_day,
    which_booking_field,
)

# Parsed and the error codes ---------------------------------------------------------


def test_parsed_is_ok_only_without_an_error() -> None:
    assert Parsed("Sam").ok
    assert Parsed("").ok
    assert not Parsed(None, EMPTY).ok


def test_parsed_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Parsed("Sam").value = "Jo"  # type: ignore[misc]


def test_error_codes_are_distinct_snake_case_strings() -> None:
    assert len(ERROR_CODES) == 14
    for code in ERROR_CODES:
        assert code.isascii() and code == code.lower()
        assert code.replace("_", "").isalpha()


@pytest.mark.parametrize(
    "parser",
    [parse_first_name, parse_contact, parse_days, parse_time_of_day, parse_hopes],
)
@pytest.mark.parametrize("blank", ["", "   ", "\n\t "])
def test_blank_answers_are_empty(parser, blank: str) -> None:
    assert parser(blank) == Parsed(None, EMPTY)


# 1. First name --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "name"),
    [
        ("Sarah", "Sarah"),
        ("sarah", "Sarah"),
        ("  sarah  ", "Sarah"),
        ("mary-jane", "Mary-Jane"),
        ("o'brien", "O'Brien"),
        ("O’Brien", "O'Brien"),
        ("anne marie", "Anne Marie"),
        ("MARY", "MARY"),
        ("McKenzie", "McKenzie"),
        ("deShawn", "deShawn"),
        ("José", "José"),
        ("josé", "José"),
        ("Zoë", "Zoë"),
        ("Nguyễn", "Nguyễn"),
        ("Siobhán", "Siobhán"),
        ("李", "李"),
        ("محمد", "محمد"),
        ("Анна", "Анна"),
        ("J.R.", "J.R."),
        ("Mary J.", "Mary J."),
        ("St. John", "St. John"),
        ("Imogen", "Imogen"),
        ("Hiro", "Hiro"),
        ("Maria de los Angeles", "Maria de los Angeles"),
        # Names that are also words.
        ("Will", "Will"),
        ("hope", "Hope"),
        ("Can", "Can"),
        ("My Linh", "My Linh"),
        # Decomposed accents, as some keyboards send them, are composed.
        ("Jose\u0301", "José"),
    ],
)
def test_names_are_accepted(answer: str, name: str) -> None:
    assert parse_first_name(answer) == Parsed(name)


@pytest.mark.parametrize(
    ("answer", "name"),
    [
        ("my name is Sarah", "Sarah"),
        ("My name's José", "José"),
        ("my first name is Tom", "Tom"),
        ("name: Zoë", "Zoë"),
        ("Name:Tom", "Tom"),
        ("First name: Lee", "Lee"),
        ("i'm sam", "Sam"),
        ("I’m Sam", "Sam"),
        ("im sam", "Sam"),
        ("im imogen", "Imogen"),
        ("I am Priya", "Priya"),
        ("it's jo", "Jo"),
        ("its jo", "Jo"),
        ("It is Sam", "Sam"),
        ("this is Dana", "Dana"),
        ("call me Alex", "Alex"),
        ("you can call me Alex", "Alex"),
        ("hi, i'm mary-jane", "Mary-Jane"),
        ("Hey it's Siobhán", "Siobhán"),
        ("hello there, my name is Ana", "Ana"),
        ("ok, it's Lee", "Lee"),
        ("Sarah!", "Sarah"),
        ("Sarah.", "Sarah"),
        ("Sarah 😊", "Sarah"),
        ("👋 hi I'm Sarah!!", "Sarah"),
        ("Sam here", "Sam"),
        ("it's sarah, thanks", "Sarah"),
    ],
)
def test_lead_ins_and_trailing_chatter_are_dropped(answer: str, name: str) -> None:
    assert parse_first_name(answer) == Parsed(name)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ("Sarah2", NAME_HAS_DIGITS),
        ("sam 1", NAME_HAS_DIGITS),
        ("R2D2", NAME_HAS_DIGITS),
        ("jo@example.org", NAME_LOOKS_LIKE_CONTACT),
        ("sarah@", NAME_LOOKS_LIKE_CONTACT),
        ("202 555 0143", NAME_LOOKS_LIKE_CONTACT),
        ("it's 555-0143", NAME_LOOKS_LIKE_CONTACT),
        ("+44 20 7946 0958", NAME_LOOKS_LIKE_CONTACT),
        ("Maria de los Angeles Garcia", NAME_TOO_LONG),
        ("I would like to book an appointment", NAME_NOT_A_NAME),
        ("Bartholomew-Maximilian Wolfeschlegelstein", NAME_TOO_LONG),
        ("yes", NAME_NOT_A_NAME),
        ("No", NAME_NOT_A_NAME),
        ("ok", NAME_NOT_A_NAME),
        ("OK!", NAME_NOT_A_NAME),
        ("hello", NAME_NOT_A_NAME),
        ("hi", NAME_NOT_A_NAME),
        ("Hi!", NAME_NOT_A_NAME),
        ("why", NAME_NOT_A_NAME),
        ("what", NAME_NOT_A_NAME),
        ("idk", NAME_NOT_A_NAME),
        ("i don't know", NAME_NOT_A_NAME),
        ("I don’t know", NAME_NOT_A_NAME),
        ("none", NAME_NOT_A_NAME),
        ("skip", NAME_NOT_A_NAME),
        ("no thanks", NAME_NOT_A_NAME),
        ("n/a", NAME_NOT_A_NAME),
        ("prefer not to say", NAME_NOT_A_NAME),
        ("my name is none", NAME_NOT_A_NAME),
        ("why?", NAME_NOT_A_NAME),
        ("why do you need it?", NAME_NOT_A_NAME),
        ("Sarah?", NAME_NOT_A_NAME),
        ("do I have to? 😟", NAME_NOT_A_NAME),
        ("Sarah, Jane", NAME_NOT_A_NAME),
        ("sam_smith", NAME_NOT_A_NAME),
        ("<b>Sam</b>", NAME_NOT_A_NAME),
        ("...", NAME_NOT_A_NAME),
        ("😊", NAME_NOT_A_NAME),
        ("-", NAME_NOT_A_NAME),
        ("thanks thats helpful", NAME_NOT_A_NAME),
        ("ok cool", NAME_NOT_A_NAME),
        ("where is the clinic", NAME_NOT_A_NAME),
        ("I need to know the address", NAME_NOT_A_NAME),
    ],
)
def test_names_are_refused_with_the_reason(answer: str, error: str) -> None:
    assert parse_first_name(answer) == Parsed(None, error)


def test_name_limits_are_inclusive() -> None:
    assert parse_first_name("Ana Maria de Jesus").ok
    assert parse_first_name("A" * 40) == Parsed("A" * 40)
    assert parse_first_name("A" * 41) == Parsed(None, NAME_TOO_LONG)


# 2. Contact: phones -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "region", "phone"),
    [
        # United States: every way of writing 202-555-0143.
        ("202-555-0143", "US", "+12025550143"),
        ("(202) 555-0143", "US", "+12025550143"),
        ("(202)555-0143", "US", "+12025550143"),
        ("202.555.0143", "US", "+12025550143"),
        ("202 555 0143", "US", "+12025550143"),
        ("2025550143", "US", "+12025550143"),
        ("12025550143", "US", "+12025550143"),
        ("1-202-555-0143", "US", "+12025550143"),
        ("+1 202 555 0143", "US", "+12025550143"),
        ("+1 (202) 555-0143", "US", "+12025550143"),
        ("+12025550143", "US", "+12025550143"),
        ("001 202 555 0143", "US", "+12025550143"),
        ("001 202 555 0143", "GB", "+12025550143"),
        ("(415)555-2671", "US", "+14155552671"),
        ("415.555.2671 ext 2", "US", "+14155552671"),
        ("(415) 555 2671 x 12", "US", "+14155552671"),
        ("212 736 5000", "US", "+12127365000"),
        ("+1 800 555 0199", "US", "+18005550199"),
        ("１２０２５５５０１４３", "US", "+12025550143"),  # full-width digits
        # Inside a sentence, before or after words, with trailing punctuation.
        ("you can call me on 202 555 0143", "US", "+12025550143"),
        ("my cell is 202.555.0143.", "US", "+12025550143"),
        ("202-555-0143!!!", "US", "+12025550143"),
        ("call me 202-555-0143thanks", "US", "+12025550143"),
        ("call me after 5 on 202 555 0143", "US", "+12025550143"),
        ("text me @ 202-555-0143", "US", "+12025550143"),
        ("tel:+12025550143", "US", "+12025550143"),
        # Canada shares +1; the default region does not matter once it is dialled.
        ("416-555-0123", "CA", "+14165550123"),
        ("(416) 555-0123", "US", "+14165550123"),
        ("604 555 0199", "CA", "+16045550199"),
        ("+1 (613) 555-0142", "GB", "+16135550142"),
        # United Kingdom.
        ("+44 20 7946 0958", "US", "+442079460958"),
        ("+44 (0)20 7946 0958", "US", "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("0044 20 7946 0958", "US", "+442079460958"),
        ("00 44 20 7946 0958", "US", "+442079460958"),
        ("011 44 20 7946 0958", "US", "+442079460958"),
        ("0044 20 7946 0958", "GB", "+442079460958"),
        ("07400 123456", "GB", "+447400123456"),
        ("+44 7400 123456", "US", "+447400123456"),
        # Australia.
        ("+61 2 9876 5432", "US", "+61298765432"),
        ("(02) 9876 5432", "AU", "+61298765432"),
        ("0412 345 678", "AU", "+61412345678"),
        ("+61 412 345 678", "US", "+61412345678"),
        ("0491 570 156", "AU", "+61491570156"),
        ("0011 44 20 7946 0958", "AU", "+442079460958"),
        ("0061 2 9876 5432", "US", "+61298765432"),
    ],
)
def test_phone_numbers_become_e164(answer: str, region: str, phone: str) -> None:
    assert parse_contact(answer, default_region=region) == Parsed(phone)


def test_the_default_region_is_the_united_states() -> None:
    assert parse_contact("202 555 0143") == Parsed("+12025550143")
    assert parse_contact("0412 345 678") == Parsed(None, PHONE_INVALID)


@pytest.mark.parametrize(
    ("answer", "region", "error"),
    [
        ("555-0143", "US", PHONE_TOO_SHORT),  # no area code
        ("call me on 555 0143", "US", PHONE_TOO_SHORT),
        ("202555014", "US", PHONE_TOO_SHORT),
        ("202 555 01", "US", PHONE_TOO_SHORT),
        ("+1 202 555 014", "US", PHONE_TOO_SHORT),
        ("+44 20 7946", "US", PHONE_TOO_SHORT),
        ("5", "US", PHONE_TOO_SHORT),
        ("call 911", "US", PHONE_TOO_SHORT),
        ("202-555-01434", "US", PHONE_TOO_LONG),
        ("+12025550143000", "US", PHONE_TOO_LONG),
        ("+1 202 555 0143 2", "US", PHONE_TOO_LONG),
        ("+44 20 7946 09581", "US", PHONE_TOO_LONG),
        ("020 7946 09581", "GB", PHONE_TOO_LONG),
        ("(123) 456-7890", "US", PHONE_INVALID),  # no area code 123
        ("(555) 555-1234", "US", PHONE_INVALID),  # nor 555
        ("+1 555 555 0199", "US", PHONE_INVALID),
        ("+999 1234 5678", "US", PHONE_INVALID),  # no country code 999
        # Ofcom's drama numbers are reserved, and libphonenumber knows it.
        ("+44 7700 900123", "US", PHONE_INVALID),
        ("07700 900 123", "GB", PHONE_INVALID),
        ("+44 1632 960123", "US", PHONE_INVALID),
        # A foreign number without its country code: the fix is the +44, not
        # fewer digits, whatever the count.
        ("020 7946 0958", "US", PHONE_INVALID),
        ("07700 900123", "US", PHONE_INVALID),
        ("020 7946 0958", "CA", PHONE_INVALID),
        ("0412 345 678", "US", PHONE_INVALID),
    ],
)
def test_wrong_phone_numbers_say_what_is_wrong(
    answer: str, region: str, error: str
) -> None:
    assert parse_contact(answer, default_region=region) == Parsed(None, error)


# 2. Contact: emails -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "email"),
    [
        ("jo@example.org", "jo@example.org"),
        ("email is jo@example.org thanks", "jo@example.org"),
        ("Jo@Example.ORG", "Jo@example.org"),  # the domain is case-insensitive
        ("JO@EXAMPLE.COM.", "JO@example.com"),
        ("<jo@example.org>", "jo@example.org"),
        ("mailto:jo@example.org", "jo@example.org"),
        ("email:jo@example.org", "jo@example.org"),
        ("'jo@example.org'", "jo@example.org"),
        ("jo.smith+clinic@gmail.com", "jo.smith+clinic@gmail.com"),
        ("jo_2@mail.example.co.uk", "jo_2@mail.example.co.uk"),
        ("jo2025550143@example.org", "jo2025550143@example.org"),
        ("josé@example.org", "josé@example.org"),
        ("用户@例子.广告", "用户@例子.广告"),
        ("jo@münchen.de", "jo@münchen.de"),
    ],
)
def test_email_addresses_are_normalised(answer: str, email: str) -> None:
    assert parse_contact(answer) == Parsed(email)


@pytest.mark.parametrize(
    "answer",
    [
        "jo@example",
        "jo@@example.org",
        "jo@example..org",
        "jo@",
        "@example.org",
        "@jo",
        "jo.@example.org",
        ".jo@example.org",
        "jo@-example.org",
        "jo@exa_mple.org",
        "jo@localhost",
        "jo@example.invalid",
        "jo@[192.168.0.1]",
        "jo @ example.org",
        "my email is jo@example",
    ],
)
def test_broken_email_addresses_are_email_invalid(answer: str) -> None:
    assert parse_contact(answer) == Parsed(None, EMAIL_INVALID)


@pytest.mark.parametrize(
    "answer", ["just text me", "email me", "phone", "you have it already", "😊"]
)
def test_answers_without_digits_or_at_sign_miss_the_contact(answer: str) -> None:
    assert parse_contact(answer) == Parsed(None, CONTACT_MISSING)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("202 555 0143 or jo@example.org", Parsed("+12025550143")),
        ("jo@example.org or 202 555 0143", Parsed("jo@example.org")),
        ("202 555 0143 or 415 555 2671", Parsed("+12025550143")),
        # A usable one wins over a broken one, wherever it is.
        ("jo@example or 202-555-0143", Parsed("+12025550143")),
        ("555-0143, jo@example.org", Parsed("jo@example.org")),
        # Nothing usable: the first problem is the one to fix.
        ("jo@example, 555-0143", Parsed(None, EMAIL_INVALID)),
        ("555-0143 jo@example", Parsed(None, PHONE_TOO_SHORT)),
    ],
)
def test_the_first_usable_contact_wins(answer: str, expected: Parsed) -> None:
    assert parse_contact(answer) == expected


def test_contact_parsing_never_touches_the_network(monkeypatch) -> None:
    def no_network(*args, **kwargs):
        raise AssertionError("network access")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    assert parse_contact("jo@example.org") == Parsed("jo@example.org")
    assert parse_contact("jo@example") == Parsed(None, EMAIL_INVALID)


def test_contact_details_are_never_logged(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    for answer in ["jo@example.org", "jo@example", "202 555 0143", "555-0143"]:
        parse_contact(answer)
        parse_first_name(answer)
    assert caplog.records == []


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("+12025550143", "+1 202-555-0143"),
        ("+14165550123", "+1 416-555-0123"),
        ("+442079460958", "+44 20 7946 0958"),
        ("+447400123456", "+44 7400 123456"),
        ("+61298765432", "+61 2 9876 5432"),
        ("+61412345678", "+61 412 345 678"),
        ("jo@example.org", "jo@example.org"),
        ("Jo@example.org", "Jo@example.org"),
        ("not a number", "not a number"),
    ],
)
def test_describe_contact(value: str, shown: str) -> None:
    assert describe_contact(value) == shown


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        ("202 555 0143", "phone"),
        ("+44 20 7946 0958", "phone"),
        ("jo@example.org", "email"),
        ("josé@example.org", "email"),
    ],
)
def test_contact_kind_of_parsed_values(answer: str, kind: str) -> None:
    value = parse_contact(answer).value
    assert isinstance(value, str)
    assert contact_kind(value) == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("robin@example.org", "email"),
        ("jo.smith+clinic@example.org", "email"),
        ("jo@example", "email"),  # meant as an address, though not a valid one
        ("my email is jo@example.org", "email"),
        ("202 555 0143", "phone"),
        ("(202) 555-0143", "phone"),
        ("+44 20 7946 0958", "phone"),
        ("555-0143", "phone"),  # a local number without its area code
        ("my number is 202.555.0143", "phone"),
        ("12345", None),
        ("after 5pm on the 12th", None),
        ("@harborlight", None),
        ("a@", None),
        ("Sam", None),
        ("", None),
    ],
)
def test_mentioned_contact_kind(text: str, kind: str | None) -> None:
    assert mentioned_contact_kind(text) == kind


# 3. Days ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "days"),
    [
        # Names, plurals, abbreviations, any case.
        ("Monday", "Monday"),
        ("mondays", "Monday"),
        ("MONDAY", "Monday"),
        ("monday's", "Monday"),
        ("mon", "Monday"),
        ("tue", "Tuesday"),
        ("Tues.", "Tuesday"),
        ("wed", "Wednesday"),
        ("weds", "Wednesday"),
        ("thu", "Thursday"),
        ("thur", "Thursday"),
        ("thurs", "Thursday"),
        ("fri", "Friday"),
        ("fridays", "Friday"),
        ("sat", "Saturday"),
        ("sun", "Sunday"),
        # Typos.
        ("tuesdy", "Tuesday"),
        ("wendesday", "Wednesday"),
        ("wednsday", "Wednesday"),
        ("thrusday", "Thursday"),
        ("firday", "Friday"),
        ("satruday", "Saturday"),
        ("monady", "Monday"),
        ("weekdys", "Weekdays"),
        # Several days, in week order whatever the order typed.
        ("tuesday or thursday", "Tuesday or Thursday"),
        ("thursday or tuesday", "Tuesday or Thursday"),
        ("Tuesdays and Thursdays", "Tuesday or Thursday"),
        ("mon, wed, fri", "Monday, Wednesday or Friday"),
        ("fri/mon", "Monday or Friday"),
        ("tue & thu please", "Tuesday or Thursday"),
        ("monday mornings", "Monday"),
        ("any monday", "Monday"),
        # Ranges.
        ("mon-wed", "Monday, Tuesday or Wednesday"),
        ("Mon–Wed", "Monday, Tuesday or Wednesday"),
        ("monday to thursday", "Monday, Tuesday, Wednesday or Thursday"),
        ("tuesday through friday", "Tuesday, Wednesday, Thursday or Friday"),
        ("wed thru fri", "Wednesday, Thursday or Friday"),
        ("between monday and wednesday", "Monday, Tuesday or Wednesday"),
        ("fri-mon", "Monday, Friday, Saturday or Sunday"),
        ("monday to friday", "Weekdays"),
        # Groups.
        ("weekdays", "Weekdays"),
        ("Weekdays", "Weekdays"),
        ("week days", "Weekdays"),
        ("weekday", "Weekdays"),
        ("during the week", "Weekdays"),
        ("monday, tuesday, wednesday, thursday, friday", "Weekdays"),
        ("weekends", "Weekends"),
        ("weekend", "Weekends"),
        ("saturday and sunday", "Weekends"),
        ("sat or sun", "Weekends"),
        ("midweek", "Tuesday, Wednesday or Thursday"),
        # Letter codes.
        ("M/W/F", "Monday, Wednesday or Friday"),
        ("mwf", "Monday, Wednesday or Friday"),
        ("T/Th", "Tuesday or Thursday"),
        ("m-f", "Weekdays"),
        # Flexible.
        ("any day", "Any day"),
        ("Any day", "Any day"),
        ("any", "Any day"),
        ("anytime", "Any day"),
        ("any time", "Any day"),
        ("whenever", "Any day"),
        ("flexible", "Any day"),
        ("I'm flexible", "Any day"),
        ("doesn't matter", "Any day"),
        ("doesn’t matter", "Any day"),
        ("no preference", "Any day"),
        ("any day works", "Any day"),
        ("every day", "Any day"),
        ("all week", "Any day"),
        ("i don't mind", "Any day"),
        ("monday through sunday", "Any day"),
    ],
)
def test_days_are_read(answer: str, days: str) -> None:
    assert parse_days(answer) == Parsed(days)


NOT_MONDAY = "Tuesday, Wednesday, Thursday, Friday, Saturday or Sunday"
NOT_FRIDAY = "Monday, Tuesday, Wednesday, Thursday, Saturday or Sunday"


@pytest.mark.parametrize(
    ("answer", "days"),
    [
        ("not monday", NOT_MONDAY),
        ("any day except friday", NOT_FRIDAY),
        ("anything but mondays", NOT_MONDAY),
        ("any day but friday", NOT_FRIDAY),
        ("weekdays except fridays", "Monday, Tuesday, Wednesday or Thursday"),
        ("weekdays but not friday", "Monday, Tuesday, Wednesday or Thursday"),
        ("weekdays but friday", "Monday, Tuesday, Wednesday or Thursday"),
        ("mon-thu but not wed", "Monday, Tuesday or Thursday"),
        ("no mondays or fridays", "Tuesday, Wednesday, Thursday, Saturday or Sunday"),
        ("i can't do mondays", NOT_MONDAY),
        ("mondays are bad", NOT_MONDAY),
        ("friday doesn't work for me", NOT_FRIDAY),
        ("I'm busy on mondays", NOT_MONDAY),
        ("weekdays, fridays are bad", "Monday, Tuesday, Wednesday or Thursday"),
        ("not monday but tuesday", "Tuesday"),
        ("tuesday, not thursday", "Tuesday"),
        ("no, monday is best", "Monday"),
        ("any day except the weekend", "Weekdays"),
        ("not monday, any day", NOT_MONDAY),
    ],
)
def test_days_can_be_excluded(answer: str, days: str) -> None:
    assert parse_days(answer) == Parsed(days)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ("next week", DAYS_MISSING),
        ("asap", DAYS_MISSING),
        ("the 25th", DAYS_MISSING),
        ("tomorrow", DAYS_MISSING),
        ("today", DAYS_MISSING),
        ("idk", DAYS_MISSING),
        ("not sure", DAYS_MISSING),
        ("sunny days", DAYS_MISSING),
        ("2 days a week", DAYS_MISSING),
        ("not any day", DAYS_MISSING),
        ("i can't do any day this week", DAYS_MISSING),
        ("monday... actually not monday", DAYS_MISSING),
        ("mornings", DAYS_ONLY_TIME),
        ("Afternoons please", DAYS_ONLY_TIME),
        ("after work", DAYS_ONLY_TIME),
        ("10am", DAYS_ONLY_TIME),
        ("evenigns", DAYS_ONLY_TIME),
    ],
)
def test_answers_without_a_day(answer: str, error: str) -> None:
    assert parse_days(answer) == Parsed(None, error)


# 4. Time of day ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "time"),
    [
        ("morning", "Morning"),
        ("Mornings", "Morning"),
        ("in the morning", "Morning"),
        ("am", "Morning"),
        ("AM", "Morning"),
        ("a.m.", "Morning"),
        ("before noon", "Morning"),
        ("before lunch", "Morning"),
        ("early", "Morning"),
        ("first thing", "Morning"),
        ("late morning", "Morning"),
        ("afternoon", "Afternoon"),
        ("afternoons", "Afternoon"),
        ("pm", "Afternoon"),
        ("after lunch", "Afternoon"),
        ("midday", "Afternoon"),
        ("noon", "Afternoon"),
        ("lunchtime", "Afternoon"),
        ("lunch time", "Afternoon"),
        ("early afternoon", "Afternoon"),
        ("late afternoon", "Afternoon"),
        ("early in the afternoon", "Afternoon"),
        ("arvo", "Afternoon"),
        ("evening", "Evening"),
        ("evenings", "Evening"),
        ("early evening", "Evening"),
        ("after work", "Evening"),
        ("after 5", "Evening"),
        ("after 5:30", "Evening"),
        ("late", "Evening"),
        ("nights", "Evening"),
        ("tonight", "Evening"),
        ("i am free after 6", "Evening"),
        # Clock times: before noon morning, noon-4:59pm afternoon, 5pm on evening.
        ("10am", "Morning"),
        ("10 am", "Morning"),
        ("10 a.m.", "Morning"),
        ("10:30", "Morning"),
        ("9.30am", "Morning"),
        ("11:59am", "Morning"),
        ("12pm", "Afternoon"),
        ("2pm", "Afternoon"),
        ("2 pm", "Afternoon"),
        ("2p", "Afternoon"),
        ("at 2", "Afternoon"),
        ("14:00", "Afternoon"),
        ("14h30", "Afternoon"),
        ("4:59pm", "Afternoon"),
        ("before 5", "Afternoon"),
        ("5pm", "Evening"),
        ("5:30pm", "Evening"),
        ("6pm", "Evening"),
        ("18:00", "Evening"),
        ("7 o'clock", "Morning"),
        # Clock ranges.
        ("9-5", "Morning or afternoon"),
        ("10-2", "Morning or afternoon"),
        ("between 10 and 2", "Morning or afternoon"),
        ("2-4pm", "Afternoon"),
        ("10-12", "Morning"),
        ("5-7", "Evening"),
        ("from 3 to 6", "Afternoon or evening"),
        # Typos.
        ("mornign", "Morning"),
        ("moring", "Morning"),
        ("afternon", "Afternoon"),
        ("aftenoon", "Afternoon"),
        ("evning", "Evening"),
        ("evenig", "Evening"),
        # Combinations.
        ("mornings or early afternoon", "Morning or afternoon"),
        ("mornings and evenings", "Morning or evening"),
        ("afternoon or evening", "Afternoon or evening"),
        ("10am or after 5", "Morning or evening"),
        ("morning, afternoon or evening", "Any time"),
        ("weekday mornings", "Morning"),
        ("any morning", "Morning"),
        ("monday mornings", "Morning"),
        # Flexible.
        ("anytime", "Any time"),
        ("Any time", "Any time"),
        ("any", "Any time"),
        ("flexible", "Any time"),
        ("whenever", "Any time"),
        ("doesn't matter", "Any time"),
        ("no preference", "Any time"),
        ("all day", "Any time"),
        # Exclusions.
        ("not mornings", "Afternoon or evening"),
        ("any time but evenings", "Morning or afternoon"),
        ("anything but early", "Afternoon or evening"),
    ],
)
def test_time_of_day_is_read(answer: str, time: str) -> None:
    assert parse_time_of_day(answer) == Parsed(time)


@pytest.mark.parametrize(
    "answer",
    [
        "monday",
        "weekdays",
        "any day",  # says nothing about the time
        "Any day",
        "every day",
        "asap",
        "next week",
        "the 25th",
        "13pm",
        "25:00",
        "3 times a week",
        "not sure",
        "even",
        "meeting",
    ],
)
def test_answers_without_a_time_of_day(answer: str) -> None:
    assert parse_time_of_day(answer) == Parsed(None, TIME_MISSING)


# 5. Consent -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "yes",
        "Yes",
        "YES!",
        "y",
        "yeah",
        "yep",
        "yup",
        "yes please",
        "Yes, please.",
        "sure",
        "sure thing",
        "ok",
        "OK",
        "okay",
        "k",
        "of course",
        "i agree",
        "I consent",
        "that's fine",
        "that’s fine",
        "go ahead",
        "please do",
        "absolutely",
        "definitely",
        "👍",
        "👍🏽",
        "✅",
        "yes 👍",
        "ok thanks",
        "sure, go ahead",
        "yes you can contact me",
        "please contact me",
        "yes please text me",
        "yes please contact me by email",
        "no problem",
        "why not",
        "sounds good",
        "yes that's right",
        "looks good, thanks",
    ],
)
def test_consent_given(answer: str) -> None:
    assert parse_consent(answer) == Parsed(True)


@pytest.mark.parametrize(
    "answer",
    [
        "no",
        "No.",
        "n",
        "nope",
        "nah",
        "no thanks",
        "no thank you",
        "i don't",
        "I don’t",
        "i do not",
        "i do not agree",
        "i don't agree",
        "rather not",
        "i'd rather not",
        "please don't",
        "don't",
        "don't contact me",
        "do not contact me",
        "Please don't contact me",
        "of course not",
        "absolutely not",
        "not interested",
        "👎",
        "❌",
        # Refusing a way of contacting refuses: the team must not guess.
        "yes, but don't call me",
        "yes but not by phone",
        "ok but do not email me",
        "sure, just don't text me",
        "no calls please",
        "you can't call me",
    ],
)
def test_consent_refused(answer: str) -> None:
    assert parse_consent(answer) == Parsed(False)


@pytest.mark.parametrize(
    "answer",
    [
        "",
        "   ",
        "maybe",
        "Maybe later",
        "not sure",
        "idk",
        "why?",
        "yes?",
        "what for",
        "hmm",
        "who will contact me?",
        "yes no",
        "depends",
        "i guess",
        "yes if it's by email",
        "contact me",  # bare: also how a correction at the summary reads
        "tuesday",
        "tuesday yes",
        "stop",  # also how "are you sure you want to stop?" is answered
        "yes tuesday",
        "no idea",
    ],
)
def test_consent_unclear(answer: str) -> None:
    assert parse_consent(answer) == Parsed(None, CONSENT_UNCLEAR)


# 6. Hopes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "skip",
        "Skip",
        "skip please",
        "no",
        "No.",
        "none",
        "nothing",
        "n/a",
        "N/A",
        "na",
        "rather not say",
        "I'd rather not say",
        "prefer not to say",
        "pass",
        "not now",
        "no thanks",
        "no thank you",
        "nah",
    ],
)
def test_hopes_can_be_skipped(answer: str) -> None:
    assert parse_hopes(answer) == Parsed("")


@pytest.mark.parametrize(
    ("answer", "hopes"),
    [
        ("depression", "depression"),
        ("  Depression and anxiety  ", "Depression and anxiety"),
        ("ptsd\n\nand  chronic   pain", "ptsd and chronic pain"),
        ("feeling\tless numb", "feeling less numb"),
        ("no more panic attacks", "no more panic attacks"),
        ("nothing has worked so far", "nothing has worked so far"),
        ("skip the side effects, I hope", "skip the side effects, I hope"),
    ],
)
def test_hopes_keep_the_visitors_words(answer: str, hopes: str) -> None:
    assert parse_hopes(answer) == Parsed(hopes)


def test_long_hopes_are_cut_at_a_word_boundary() -> None:
    answer = "I hope it helps with depression and the anxiety that comes with it"
    assert parse_hopes(answer, max_length=30) == Parsed("I hope it helps with…")


def test_hopes_cut_drops_trailing_punctuation() -> None:
    answer = "depression, anxiety, insomnia and more"
    assert parse_hopes(answer, max_length=22) == Parsed("depression, anxiety…")


def test_hopes_cut_exactly_before_a_space_keeps_the_whole_word() -> None:
    assert parse_hopes("aaaa bbbb cccc", max_length=10) == Parsed("aaaa bbbb…")


def test_hopes_cut_inside_one_long_word() -> None:
    assert parse_hopes("a" * 20, max_length=10) == Parsed("a" * 9 + "…")


@pytest.mark.parametrize("length", [1, 10, 50, 500])
def test_cut_hopes_fit_max_length(length: int) -> None:
    value = parse_hopes("word " * 300, max_length=length).value
    assert isinstance(value, str)
    assert len(value) <= length
    assert value.endswith("…")


def test_hopes_at_max_length_are_kept_whole() -> None:
    answer = "x" * 500
    assert parse_hopes(answer) == Parsed(answer)
    assert parse_hopes(answer + " y") == Parsed("x" * 499 + "…")


def test_hopes_max_length_must_be_positive() -> None:
    with pytest.raises(ValueError):
        parse_hopes("depression " * 10, max_length=0)


# 7. Which answer to correct ---------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ("change my name", "booking_first_name"),
        ("name is wrong", "booking_first_name"),
        ("wrong name", "booking_first_name"),
        ("NAME", "booking_first_name"),
        ("my first name", "booking_first_name"),
        ("phone", "booking_contact"),
        ("the phone number is wrong", "booking_contact"),
        ("my number", "booking_contact"),
        ("email", "booking_contact"),
        ("e-mail address", "booking_contact"),
        ("my email has a typo", "booking_contact"),
        ("contact details", "booking_contact"),
        ("how to reach me", "booking_contact"),
        ("reach me", "booking_contact"),
        ("day", "booking_days"),
        ("the days", "booking_days"),
        ("Monday", "booking_days"),
        ("I said thursday not tuesday", "booking_days"),
        ("weekends", "booking_days"),
        ("time", "booking_time"),
        ("the time of day", "booking_time"),
        ("morning", "booking_time"),
        ("Afternoons", "booking_time"),
        ("evening", "booking_time"),
        ("hopes", "booking_hopes"),
        ("reason", "booking_hopes"),
        ("what i hope for", "booking_hopes"),
        ("what I want help with", "booking_hopes"),
        # The first one named wins.
        ("the time and the day", "booking_time"),
        ("the day and the time", "booking_days"),
    ],
)
def test_which_booking_field(answer: str, field: str) -> None:
    assert which_booking_field(answer) == field


@pytest.mark.parametrize(
    "answer",
    [
        "",
        "yes",
        "no",
        "everything",
        "renamed",
        "nametag",
        "daytime",
        "sometimes",
        "yes please contact me",
        "sure, you can call me",
        "thanks, have a nice day",
        "all correct",
    ],
)
def test_which_booking_field_names_nothing(answer: str) -> None:
    assert which_booking_field(answer) is None


# Long near-misses -------------------------------------------------------------------


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fails a parse that backtracks for ages instead of hanging the test run."""

    def timed_out(signum, frame):
        raise TimeoutError(f"took over {seconds}s")

    previous = signal.signal(signal.SIGALRM, timed_out)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    ("parser", "answer"),
    [
        (parse_consent, "yes please " * 200 + "x"),
        (parse_consent, "please " * 200 + "x"),
        (parse_consent, "not " + "so " * 600 + "call"),
        (parse_hopes, "no thanks " * 200 + "x"),
        (parse_first_name, "hi " * 600 + "1"),
        (parse_first_name, "sam" + " thanks" * 300 + "!"),
        (parse_contact, "a" * 2000),
        (parse_contact, "1-" * 1000),
        (parse_days, "mon " * 500 + "x"),
        (parse_time_of_day, "10 " * 600 + "x"),
        (which_booking_field, "yes " * 500 + "x"),
    ],
)
def test_long_answers_are_parsed_quickly(parser: Callable, answer: str) -> None:
    with time_limit(2):
        parser(answer)
