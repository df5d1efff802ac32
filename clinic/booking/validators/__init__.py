"""Reading the visitor's free-text answers to the consultation-booking form.

Visitors answer on phones, often anxious and in a hurry: "its sarah", "call me on
(415)555-2671", "tuesdy or thrusday", "mornings, not fridays". Each parser turns one
answer into a normalised value or one error code. ``domain/booking.yml`` maps each
code to a re-ask that says what to fix, so every code names one fixable problem.

The functions are pure: no Rasa, no I/O, no network (email addresses are checked
for form only, never for deliverability) and no logging or caching, because the
answers hold contact details.

One module per question, beside what they share:

- ``parsed``: the result type, the error codes and the shared text helpers;
- ``names``, ``contact``, ``week`` (days and times of day, read together),
  ``consent``, ``hopes``: one question each;
- ``week_terms``: the reading of ranges, lists and negations days and times share;
- ``fields``: which earlier answer a visitor wants to correct.
"""

from __future__ import annotations

from clinic.booking.validators.consent import parse_consent
from clinic.booking.validators.contact import (
    contact_kind,
    describe_contact,
    mentioned_contact_kind,
    parse_contact,
)
from clinic.booking.validators.fields import which_booking_field
from clinic.booking.validators.hopes import parse_hopes
from clinic.booking.validators.names import parse_first_name
from clinic.booking.validators.parsed import (
    BOOKING_CONTACT,
    BOOKING_DAYS,
    BOOKING_FIRST_NAME,
    BOOKING_HOPES,
    BOOKING_TIME,
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
)
from clinic.booking.validators.week import parse_days, parse_time_of_day

__all__ = [
    "BOOKING_CONTACT",
    "BOOKING_DAYS",
    "BOOKING_FIRST_NAME",
    "BOOKING_HOPES",
    "BOOKING_TIME",
    "CONSENT_UNCLEAR",
    "CONTACT_MISSING",
    "DAYS_MISSING",
    "DAYS_ONLY_TIME",
    "EMAIL_INVALID",
    "EMPTY",
    "ERROR_CODES",
    "NAME_HAS_DIGITS",
    "NAME_LOOKS_LIKE_CONTACT",
    "NAME_NOT_A_NAME",
    "NAME_TOO_LONG",
    "PHONE_INVALID",
    "PHONE_TOO_LONG",
    "PHONE_TOO_SHORT",
    "TIME_MISSING",
    "Parsed",
    "contact_kind",
    "describe_contact",
    "mentioned_contact_kind",
    "parse_consent",
    "parse_contact",
    "parse_days",
    "parse_first_name",
    "parse_hopes",
    "parse_time_of_day",
    "which_booking_field",
]
