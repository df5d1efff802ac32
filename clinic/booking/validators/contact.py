"""The contact answer: a phone number (E.164) or an email address, even mid-sentence.

Email addresses are checked for form only, never for deliverability.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import (
    CountryCodeSource,
    Leniency,
    NumberParseException,
    PhoneNumber,
    PhoneNumberFormat,
    PhoneNumberMatcher,
    ValidationResult,
)

from clinic.booking.validators.parsed import (
    CONTACT_MISSING,
    EMAIL_INVALID,
    EMPTY,
    PHONE_INVALID,
    PHONE_TOO_LONG,
    PHONE_TOO_SHORT,
    Parsed,
    accept,
    reject,
)

_TOKEN_OF_CONTACT = re.compile(r"[^\s,;:<>()\[\]{}\"]+")
_EMAIL_QUOTES = "'\"`*"  # around an address; a sentence's full stop follows it
_DOUBLE_ZERO = re.compile(r"(?<![\d+])00(?=\s?[1-9])")  # "0044 20 ..." -> " +44 20"
_DIGIT_RUN = re.compile(r"\+?\d(?:[\d\s().\-/]*\d)?")
_TOO_SHORT_REASONS = {
    ValidationResult.TOO_SHORT,
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY,  # "555-0143": no area code
}
_PARSE_ERRORS = {
    NumberParseException.NOT_A_NUMBER: PHONE_TOO_SHORT,  # fewer than two digits
    NumberParseException.TOO_SHORT_NSN: PHONE_TOO_SHORT,
    NumberParseException.TOO_SHORT_AFTER_IDD: PHONE_TOO_SHORT,
    NumberParseException.TOO_LONG: PHONE_TOO_LONG,
}


@dataclass(frozen=True)
class _Candidate:
    start: int  # where in the answer it was found: the first one wins
    parsed: Parsed


def parse_contact(text: str, default_region: str = "US") -> Parsed:
    """A phone number (E.164, "+12025550143") or an email address, even mid-sentence.

    When the answer holds several, the first usable one wins. Numbers without a
    country code are read as ``default_region``'s; a leading 00 also works as the
    international prefix. Extensions ("ext 2") are dropped: E.164 has none.

    Errors: ``empty``; ``email_invalid`` (has an @ but is no valid address);
    ``phone_too_short`` (fewer digits than a full number, e.g. no area code);
    ``phone_too_long``; ``phone_invalid`` (no such number, e.g. area code 123, or
    a foreign number without its country code, e.g. "020 7946 0958" in the US);
    ``contact_missing`` (no digits and no @ at all).
    When nothing is usable, the first problem found is reported.
    """
    if not text.strip():
        return reject(EMPTY)
    at_signs = [m for m in _TOKEN_OF_CONTACT.finditer(text) if "@" in m.group()]
    emails = [_Candidate(m.start(), _check_email(m.group())) for m in at_signs]
    rest = text
    for match in at_signs:  # digits inside an email address are no phone number
        rest = rest[: match.start()] + " " * len(match.group()) + rest[match.end() :]
    candidates = sorted(emails + _find_phones(rest, default_region), key=_start)
    for candidate in candidates:
        if candidate.parsed.ok:
            return candidate.parsed
    return candidates[0].parsed if candidates else reject(CONTACT_MISSING)


def _start(candidate: _Candidate) -> int:
    return candidate.start


def _check_email(token: str) -> Parsed:
    try:
        checked = validate_email(_email_in(token), check_deliverability=False)
    except EmailNotValidError:
        return reject(EMAIL_INVALID)
    return accept(checked.normalized)


def _email_in(token: str) -> str:
    return token.strip(_EMAIL_QUOTES).rstrip(".!?").rstrip(_EMAIL_QUOTES)


def _find_phones(text: str, region: str) -> list[_Candidate]:
    """Valid numbers in the answer, or why its longest run of digits is none."""
    for variant in (text, _DOUBLE_ZERO.sub(" +", text)):
        # POSSIBLE, not VALID, also finds "202-555-0143thanks"; validity is ours.
        matches = PhoneNumberMatcher(variant, region, leniency=Leniency.POSSIBLE)
        checked = [_Candidate(m.start, _check_phone(m.number)) for m in matches]
        if valid := [candidate for candidate in checked if candidate.parsed.ok]:
            return valid
    runs = list(_DIGIT_RUN.finditer(text))
    if not runs:
        return []
    # The matcher's own pieces mislead: it splits "020 7946 09581" into two.
    return [_diagnose(max(runs, key=_digit_count), region)]


def _digit_count(run: re.Match[str]) -> int:
    return sum(ch.isdecimal() for ch in run[0])


def _check_phone(number: PhoneNumber) -> Parsed:
    if phonenumbers.is_valid_number(number):
        return accept(phonenumbers.format_number(number, PhoneNumberFormat.E164))
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason in _TOO_SHORT_REASONS:
        return reject(PHONE_TOO_SHORT)
    if reason == ValidationResult.TOO_LONG:
        return reject(PHONE_TOO_LONG)
    return reject(PHONE_INVALID)


def _diagnose(run: re.Match[str], region: str) -> _Candidate:
    """What is wrong with a run of digits that holds no valid number."""
    try:
        number = phonenumbers.parse(run.group(), region, keep_raw_input=True)
    except NumberParseException as error:
        problem = _PARSE_ERRORS.get(error.error_type, PHONE_INVALID)
        return _Candidate(run.start(), reject(problem))
    if _foreign_trunk_prefix(run.group(), number, region):
        return _Candidate(run.start(), reject(PHONE_INVALID))
    return _Candidate(run.start(), _check_phone(number))


def _foreign_trunk_prefix(digits: str, number: PhoneNumber, region: str) -> bool:
    """A foreign number without its country code ("020 7946 0958" in the US).

    No number of the region starts with 0, so the digit count says nothing: the
    fix is the country code, which the ``phone_invalid`` re-ask asks for.
    """
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return (
        digits.startswith("0")
        and number.country_code_source == CountryCodeSource.FROM_DEFAULT_COUNTRY
        and metadata is not None
        and metadata.national_prefix != "0"
    )


def contact_kind(value: str) -> str:
    """ "email" or "phone", for a value returned by parse_contact."""
    return "email" if "@" in value else "phone"


def describe_contact(value: str) -> str:
    """A parse_contact value as people write it: "+1 202-555-0143"; emails as is."""
    if contact_kind(value) == "email":
        return value
    try:
        number = phonenumbers.parse(value, None)
    except NumberParseException:
        return value
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


# A local number without its area code has 7 digits; "12345" or "after 5pm" is no
# phone number.
MIN_PHONE_DIGITS = 7


def mentioned_contact_kind(text: str) -> str | None:
    """ "email" or "phone" when `text` holds something meant as an email address
    (a word with an @ inside it) or a phone number (a run of at least
    ``MIN_PHONE_DIGITS`` digits), valid or not; None otherwise.

    It tells contact details apart from other messages; parse_contact checks them.
    """
    if any("@" in m.group().strip("@") for m in _TOKEN_OF_CONTACT.finditer(text)):
        return "email"
    if any(_digit_count(run) >= MIN_PHONE_DIGITS for run in _DIGIT_RUN.finditer(text)):
        return "phone"
    return None
