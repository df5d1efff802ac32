"""What every parser of the booking form returns, its error codes, and the text
helpers they share (folding case and width, words only, whole-answer phrases)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

EMPTY = "empty"  # nothing but whitespace
NAME_HAS_DIGITS = "name_has_digits"  # a name with digits in it
NAME_LOOKS_LIKE_CONTACT = "name_looks_like_contact"  # an email or phone number
NAME_TOO_LONG = "name_too_long"  # more than 4 words or 40 characters
NAME_NOT_A_NAME = "name_not_a_name"  # a reply ("ok", "why?") or stray characters
EMAIL_INVALID = "email_invalid"  # has an @ but is not a well-formed address
PHONE_TOO_SHORT = "phone_too_short"  # too few digits, e.g. no area code
PHONE_TOO_LONG = "phone_too_long"  # too many digits
PHONE_INVALID = "phone_invalid"  # no such number, or a foreign one without its +code
CONTACT_MISSING = "contact_missing"  # no digits and no @ at all
DAYS_MISSING = "days_missing"  # no day of the week
DAYS_ONLY_TIME = "days_only_time"  # a time of day, but no day of the week
TIME_MISSING = "time_missing"  # no time of day
CONSENT_UNCLEAR = "consent_unclear"  # neither a clear yes nor a clear no

ERROR_CODES = frozenset(
    {
        EMPTY,
        NAME_HAS_DIGITS,
        NAME_LOOKS_LIKE_CONTACT,
        NAME_TOO_LONG,
        NAME_NOT_A_NAME,
        EMAIL_INVALID,
        PHONE_TOO_SHORT,
        PHONE_TOO_LONG,
        PHONE_INVALID,
        CONTACT_MISSING,
        DAYS_MISSING,
        DAYS_ONLY_TIME,
        TIME_MISSING,
        CONSENT_UNCLEAR,
    }
)

# The form's slots, as named by which_booking_field.
BOOKING_FIRST_NAME = "booking_first_name"
BOOKING_CONTACT = "booking_contact"
BOOKING_DAYS = "booking_days"
BOOKING_TIME = "booking_time"
BOOKING_HOPES = "booking_hopes"


@dataclass(frozen=True)
class Parsed:
    """One answer, read: its normalised value, or why it cannot be used."""

    value: str | bool | None  # normalised value, None when invalid
    error: str | None = None  # one of ERROR_CODES when invalid, else None

    @property
    def ok(self) -> bool:
        return self.error is None


def accept(value: str | bool) -> Parsed:
    return Parsed(value)


def reject(error: str) -> Parsed:
    return Parsed(None, error)


# Shared text helpers ------------------------------------------------------------------

# Curly quotes, backtick and acute accent: apostrophes typed on phones.
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018`\u00b4", "'"))


def fold(text: str) -> str:
    """Lower-case, compatibility-normalised (full-width digits), one space apart."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return " ".join(folded.split())


def plain_words(text: str) -> str:
    """Just the words: punctuation and emoji become spaces ("n/a!" -> "n a")."""
    kept = "".join(ch if ch.isalnum() or ch == "'" else " " for ch in fold(text))
    return " ".join(kept.split())


@dataclass(frozen=True)
class AnswerPhrases:
    """Whole answers made of known phrases ("yes", "go ahead") and politeness.

    Read word by word, not by one regex: the phrases overlap ("yes", "yes please"),
    and a regex over them backtracks exponentially on a long near-miss.
    """

    phrases: frozenset[tuple[str, ...]]
    polite: frozenset[tuple[str, ...]]

    @classmethod
    def of(cls, phrases: Iterable[str], polite: Iterable[str]) -> AnswerPhrases:
        return cls(
            frozenset(tuple(p.split()) for p in phrases),
            frozenset(tuple(p.split()) for p in polite),
        )

    def match(self, words: str) -> bool:
        """Whether ``words`` (plain_words) are such phrases, at least one not polite."""
        tokens = tuple(words.split())
        longest = max(map(len, self.phrases | self.polite))
        # reach[i]: how the first i words can be read (True: a phrase among them).
        reach: list[set[bool]] = [set() for _ in range(len(tokens) + 1)]
        reach[0].add(False)
        for start, ways in enumerate(reach[:-1]):
            if not ways:
                continue
            for end in range(start + 1, min(start + longest, len(tokens)) + 1):
                if tokens[start:end] in self.phrases:
                    reach[end].add(True)
                elif tokens[start:end] in self.polite:
                    reach[end] |= ways
        return True in reach[-1]


DASHES = ("-", "\u2013", "\u2014")  # hyphen, en and em dash
POLITE = (
    "thanks",
    "thank you",
    "thx",
    "ty",
    "please",
    "pls",
    "plz",
    "sorry",
)  # politeness around an answer
