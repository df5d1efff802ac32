"""Reading the visitor's free-text answers to the consultation-booking form.

Visitors answer on phones, often anxious and in a hurry: "its sarah", "call me on
(415)555-2671", "tuesdy or thrusday", "mornings, not fridays". Each parser turns one
answer into a normalised value or one error code. ``domain/booking.yml`` maps each
code to a re-ask that says what to fix, so every code names one fixable problem.

The functions are pure: no Rasa, no I/O, no network (email addresses are checked
for form only, never for deliverability) and no logging or caching, because the
answers hold contact details.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
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
from rapidfuzz import fuzz, process

# Error codes ------------------------------------------------------------------------

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

MAX_NAME_WORDS = 4
MAX_NAME_CHARS = 40
FUZZY_MIN_LENGTH = 4
FUZZY_CUTOFF = 80  # rapidfuzz ratio: "firday" scores 83, "today" v "monday" 73


@dataclass(frozen=True)
class Parsed:
    """One answer, read: its normalised value, or why it cannot be used."""

    value: str | bool | None  # normalised value, None when invalid
    error: str | None = None  # one of ERROR_CODES when invalid, else None

    @property
    def ok(self) -> bool:
        return self.error is None


def _ok(value: str | bool) -> Parsed:
    return Parsed(value)


def _fail(error: str) -> Parsed:
    return Parsed(None, error)


# Shared text helpers ------------------------------------------------------------------

# Curly quotes, backtick and acute accent: apostrophes typed on phones.
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018`\u00b4", "'"))


def _fold(text: str) -> str:
    """Lower-case, compatibility-normalised (full-width digits), one space apart."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return " ".join(folded.split())


def _words(text: str) -> str:
    """Just the words: punctuation and emoji become spaces ("n/a!" -> "n a")."""
    kept = "".join(ch if ch.isalnum() or ch == "'" else " " for ch in _fold(text))
    return " ".join(kept.split())


@dataclass(frozen=True)
class _Answers:
    """Whole answers made of known phrases ("yes", "go ahead") and politeness.

    Read word by word, not by one regex: the phrases overlap ("yes", "yes please"),
    and a regex over them backtracks exponentially on a long near-miss.
    """

    phrases: frozenset[tuple[str, ...]]
    polite: frozenset[tuple[str, ...]]

    @classmethod
    def of(cls, phrases: Iterable[str], polite: Iterable[str]) -> _Answers:
        return cls(
            frozenset(tuple(p.split()) for p in phrases),
            frozenset(tuple(p.split()) for p in polite),
        )

    def match(self, words: str) -> bool:
        """Whether ``words`` (from _words) are such phrases, at least one not polite."""
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


# 1. First name --------------------------------------------------------------------

_NAME_MARKS = str.maketrans(
    {**dict.fromkeys("\u2019\u2018", "'"), **dict.fromkeys("\u2010\u2011", "-")}
)
_NAME_OPENER = (
    r"(?:hi|hey|hello|hiya|heya|howdy|yo|good (?:morning|afternoon|evening)"
    r"|ok|okay|sure|yes|yeah|yep|um+|uh+|well|oh|thanks|thank you)(?: there)?"
)
_NAME_LEAD_IN = (
    r"(?:my (?:first )?name(?:'s| is)|the name(?:'s| is)|(?:first )?name(?: is)?:"
    r"|(?:first )?name is|i'm|i am|im|it's|its|it is|this is"
    r"|(?:you can |u can |just )?call me|they call me)"
)
_NAME_PREFIX = re.compile(
    rf"^(?:{_NAME_OPENER}(?:[\s,.!:;-]+|$))*(?:{_NAME_LEAD_IN}(?:(?<=:)\s*|[\s:,-]+))?",
    re.IGNORECASE,
)
# The look-behind starts a match only where a run of separators begins: one
# scan per run, not one per character (tests/clinic/components/test_linear_patterns.py).
_NAME_SUFFIX = re.compile(
    r"(?<![\s,.!-])[\s,.!-]+(?:thanks|thank you|thx|here|please|pls)\W*$",
    re.IGNORECASE,
)
_INITIAL_AT_END = re.compile(r"(?:^|[\s.])[^\W\d_]\.$")
_NOT_NAMES = frozenset(
    {
        "yes", "y", "yeah", "yep", "yup", "no", "n", "nope", "nah", "ok", "okay",
        "k", "sure", "fine", "hello", "hi", "hey", "hiya", "why", "what", "who",
        "how", "huh", "idk", "i don't know", "i dont know", "don't know",
        "dont know", "dunno", "not sure", "unsure", "none", "nothing", "skip",
        "no thanks", "no thank you", "n a", "na", "pass", "anonymous", "anon",
        "no name", "prefer not to say", "rather not say", "i'd rather not say",
        "i'd rather not", "rather not", "not telling", "thanks", "thank you",
        "name", "my name", "first name", "test", "testing", "maybe", "later",
        "whatever", "nobody", "no one", "me", "stop", "cancel", "help",
    }
)  # fmt: skip


def _is_letter(ch: str) -> bool:
    """Letters and combining marks of any script (é, ễ, 李, Devanagari vowels)."""
    return unicodedata.category(ch)[0] in "LM"


def _strip_name(text: str) -> tuple[str, str]:
    """The name without lead-ins and trailing chatter; also what trailed it."""
    text = " ".join(text.translate(_NAME_MARKS).split())
    text = _lstrip_non_letters(_NAME_PREFIX.sub("", _lstrip_non_letters(text)))
    while (shorter := _NAME_SUFFIX.sub("", text)) != text:
        text = shorter
    end = len(text)
    while end and not _is_letter(text[end - 1]):
        if _INITIAL_AT_END.search(text[:end]):
            break  # "Mary J." keeps the initial's period
        end -= 1
    return text[:end].strip(), text[end:]


def _lstrip_non_letters(text: str) -> str:
    start = 0
    while start < len(text) and not _is_letter(text[start]):
        start += 1
    return text[start:]


def parse_first_name(text: str) -> Parsed:
    """The visitor's first name, as they would like the team to use it.

    Lead-ins ("hi, i'm", "name:") and trailing punctuation or emoji go; all-lower-case
    names are title-cased ("mary-jane" -> "Mary-Jane"), other spellings are kept.
    Curly apostrophes become straight ones, so staff find "O'Brien" either way.

    Errors: ``empty``; ``name_looks_like_contact`` (an @, or mostly digits: contact
    details given too early); ``name_has_digits``; ``name_not_a_name`` (a reply such
    as "ok" or "why?", or characters other than letters, spaces, hyphens,
    apostrophes and periods); ``name_too_long`` (over 4 words or 40 characters).
    """
    raw = unicodedata.normalize("NFC", text).strip()
    if not raw:
        return _fail(EMPTY)
    digits = sum(ch.isdigit() for ch in raw)
    if "@" in raw or (digits >= 7 and digits >= sum(ch.isalpha() for ch in raw)):
        return _fail(NAME_LOOKS_LIKE_CONTACT)
    if digits:
        return _fail(NAME_HAS_DIGITS)
    name, trailing = _strip_name(raw)
    if not name or "?" in trailing or {_words(raw), _words(name)} & _NOT_NAMES:
        return _fail(NAME_NOT_A_NAME)
    if len(name.split()) > MAX_NAME_WORDS or len(name) > MAX_NAME_CHARS:
        return _fail(NAME_TOO_LONG)
    if not all(_is_letter(ch) or ch in " -'." for ch in name):
        return _fail(NAME_NOT_A_NAME)
    return _ok(name.title() if name.islower() else name)


# 2. Contact: phone number or email address ------------------------------------------

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
        return _fail(EMPTY)
    at_signs = [m for m in _TOKEN_OF_CONTACT.finditer(text) if "@" in m.group()]
    emails = [_Candidate(m.start(), _check_email(m.group())) for m in at_signs]
    rest = text
    for match in at_signs:  # digits inside an email address are no phone number
        rest = rest[: match.start()] + " " * len(match.group()) + rest[match.end() :]
    candidates = sorted(emails + _find_phones(rest, default_region), key=_start)
    for candidate in candidates:
        if candidate.parsed.ok:
            return candidate.parsed
    return candidates[0].parsed if candidates else _fail(CONTACT_MISSING)


def _start(candidate: _Candidate) -> int:
    return candidate.start


def _check_email(token: str) -> Parsed:
    try:
        checked = validate_email(_email_in(token), check_deliverability=False)
    except EmailNotValidError:
        return _fail(EMAIL_INVALID)
    return _ok(checked.normalized)


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
        return _ok(phonenumbers.format_number(number, PhoneNumberFormat.E164))
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason in _TOO_SHORT_REASONS:
        return _fail(PHONE_TOO_SHORT)
    if reason == ValidationResult.TOO_LONG:
        return _fail(PHONE_TOO_LONG)
    return _fail(PHONE_INVALID)


def _diagnose(run: re.Match[str], region: str) -> _Candidate:
    """What is wrong with a run of digits that holds no valid number."""
    try:
        number = phonenumbers.parse(run.group(), region, keep_raw_input=True)
    except NumberParseException as error:
        problem = _PARSE_ERRORS.get(error.error_type, PHONE_INVALID)
        return _Candidate(run.start(), _fail(problem))
    if _foreign_trunk_prefix(run.group(), number, region):
        return _Candidate(run.start(), _fail(PHONE_INVALID))
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


# Days and times: shared reading of "X or Y", "X-Y", "not X", "any but X" -------------


@dataclass(frozen=True)
class _Item:
    """One token of an answer: a day or time (``members``) or a word's role."""

    kind: str  # set | any | anyword | neg | no | but | postneg | range | soft | word
    text: str = ""
    members: frozenset[int] = frozenset()


_TOKEN = re.compile(r"_[a-z0-9]+_|[^\W_]+(?:'[^\W_]+)*|[-\u2013\u2014/,&+]")
_DASHES = ("-", "\u2013", "\u2014")  # hyphen, en and em dash
_RANGE_WORDS = frozenset({*_DASHES, "to", "through", "thru", "till", "til", "until"})
_SOFT_WORDS = frozenset(
    {
        ",", "/", "&", "+", "or", "and", "nor", "n", "on", "the", "a", "an", "day",
        "days", "s", "for", "me", "us", "is", "are", "be", "i", "i'm", "im", "at",
        "in", "of", "every", "each", "only", "just", "also", "both", "either",
        "please", "pls", "really", "mostly", "usually", "generally", "normally",
        "works", "fine", "good", "ok", "okay", "great", "will", "would", "do",
        "honestly", "around", "about", "from",
    }
)  # fmt: skip
_ANY_WORDS = frozenset({"any", "anything", "all", "everything"})
_NEGATION = (
    re.compile(
        r"\b(?:(?:does|do|did|will|would|is|are|wo|ca)(?:n'?t| not) "
        r"(?:work|suit|good|great|ideal|possible|ok|okay)"
        r"|(?:not|no) (?:good|great|ideal|possible|ok|okay)"
        r"|bad|busy|impossible|difficult|tricky|out)\b"
    ),
    re.compile(
        r"\b(?:except(?: for| on)?|excluding|exclude|apart from|other than|but not"
        r"|not on|not|never|without|nor"
        r"|(?:can't|cant|cannot|can not|couldn't|won't|wont)"
        r"(?: do| make| manage| come)?"
        r"|(?:don't|dont|do not)(?: do| want| like)?)\b"
    ),
)
_Replacement = str | Callable[[re.Match[str]], str]
_MARKERS = {"_any_": "any", "_neg_": "neg", "_postneg_": "postneg"}


def _set_marker(members: Iterable[int]) -> str:
    return f" _set{sum(1 << member for member in set(members))}_ "


def _marker_item(token: str) -> _Item | None:
    if token in _MARKERS:
        return _Item(_MARKERS[token], token)
    if token.startswith("_set"):
        mask = int(token[4:-1])
        members = frozenset(bit for bit in range(mask.bit_length()) if mask >> bit & 1)
        return _Item("set", token, members)
    return None


def _lex(
    text: str,
    replacements: Sequence[tuple[re.Pattern[str], _Replacement]],
    word_item: Callable[[str], _Item | None],
) -> list[_Item]:
    """Tokens of a folded answer, after phrases became markers ("_any_", "_neg_")."""
    for pattern, replacement in replacements:
        text = pattern.sub(replacement, text)
    text = _NEGATION[0].sub(" _postneg_ ", text)
    text = _NEGATION[1].sub(" _neg_ ", text)
    items = []
    for token in _TOKEN.findall(text):
        item = _marker_item(token) or word_item(token)
        if item is None:
            item = _Item(_word_kind(token), token)
        items.append(item)
    return items


def _word_kind(token: str) -> str:
    if token in ("but", "no"):
        return token
    if token in _ANY_WORDS:
        return "anyword"
    if token in _RANGE_WORDS:
        return "range"
    return "soft" if token in _SOFT_WORDS else "word"


def _single(items: Sequence[_Item], index: int) -> bool:
    return (
        0 <= index < len(items)
        and items[index].kind == "set"
        and len(items[index].members) == 1
    )


def _join_ranges(items: list[_Item], size: int) -> list[_Item]:
    """ "mon-wed", "monday to thursday", "between mon and wed": every member between."""
    joined: list[_Item] = []
    index = 0
    while index < len(items):
        first = index + 1 if items[index].text == "between" else index
        link = items[first + 1].text if first + 1 < len(items) else ""
        linked = link in _RANGE_WORDS or (first > index and link == "and")
        if linked and _single(items, first) and _single(items, first + 2):
            (start,), (end,) = items[first].members, items[first + 2].members
            span = {(start + step) % size for step in range((end - start) % size + 1)}
            joined.append(_Item("set", "range", frozenset(span)))
            index = first + 3
        else:
            joined.append(items[index])
            index += 1
    return joined


def _is_broad(item: _Item | None) -> bool:
    """ "any day but", "weekdays but": a "but" that excludes."""
    if item is None:
        return False
    return item.kind == "any" or (item.kind == "set" and len(item.members) > 1)


def _kind_in_context(
    item: _Item, previous: _Item | None, following: _Item | None
) -> str:
    if item.kind == "but":
        return "neg" if _is_broad(previous) else "word"
    if item.kind == "no":  # "no mondays", but not "no, mondays are best"
        return "neg" if following is not None and following.kind == "set" else "word"
    if item.kind == "anyword":  # "any is fine", but not "any monday"
        plain = following is None or following.kind not in ("set", "word")
        return "any" if plain else "soft"
    return item.kind


def _resolve(items: Sequence[_Item], universe: frozenset[int]) -> frozenset[int] | None:
    """The members chosen, or None when the answer names none and excludes none.

    A negation ("not", "except", "any but") excludes what follows it, through
    "or", "and" and commas, until another word; "mondays are bad" excludes the
    days named since the last comma. Exclusions alone mean "everything else".
    """
    wanted: set[int] = set()
    unwanted: set[int] = set()
    recent: set[int] = set()  # named since the last ordinary word
    everything = negating = False
    previous: _Item | None = None
    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        kind = _kind_in_context(item, previous, following)
        if kind == "postneg" and not recent:
            kind = "neg"  # "busy on mondays"
        if kind == "set" and negating:
            unwanted |= item.members
        elif kind == "set":
            wanted |= item.members
            recent |= item.members
        elif kind == "neg":
            negating = True
        elif kind == "any" and previous is not None and previous.kind == "neg":
            unwanted |= universe  # "I can't do any day"
        elif kind == "any":
            everything, negating = True, False
        elif kind == "postneg":
            unwanted |= recent
            wanted -= recent
        if kind in ("postneg", "word"):
            recent, negating = set(), False
        elif item.text == ",":
            recent = set()  # "weekdays, fridays are bad"
        if kind not in ("soft", "range"):
            previous = _Item(kind, item.text, item.members)
    if not (wanted or unwanted or everything):
        return None
    chosen = wanted | (universe if everything else set())
    return frozenset((chosen or universe) - unwanted)


def _join_names(names: Sequence[str]) -> str:
    """ "Monday", "Monday or Friday", "Monday, Wednesday or Friday"."""
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} or {names[-1]}"


def _fuzzy(token: str, choices: dict[str, frozenset[int]]) -> _Item | None:
    """A misspelt key word ("wendesday", "afternon"); short words are never guessed."""
    if len(token) < FUZZY_MIN_LENGTH or not token.isalpha():
        return None
    match = process.extractOne(
        token, list(choices), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
    )
    return _Item("set", token, choices[match[0]]) if match else None


# 3. Days ----------------------------------------------------------------------------

_DAY_NAMES = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
_ALL_DAYS = frozenset(range(7))
_WEEKDAYS = frozenset(range(5))
_WEEKENDS = frozenset({5, 6})
_DAY_ABBREVIATIONS = {
    "mon": 0,
    "tue": 1,
    "tues": 1,
    "wed": 2,
    "weds": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}
_DAY_CHOICES: dict[str, frozenset[int]] = {
    **{name.lower(): frozenset({day}) for day, name in enumerate(_DAY_NAMES)},
    **{f"{name.lower()}s": frozenset({day}) for day, name in enumerate(_DAY_NAMES)},
    "weekday": _WEEKDAYS,
    "weekdays": _WEEKDAYS,
    "weekend": _WEEKENDS,
    "weekends": _WEEKENDS,
}
_DAY_WORDS: dict[str, frozenset[int]] = {
    **_DAY_CHOICES,
    **{word: frozenset({day}) for word, day in _DAY_ABBREVIATIONS.items()},
    **{f"{word}s": frozenset({day}) for word, day in _DAY_ABBREVIATIONS.items()},
}
_FLEXIBLE = (
    r"any ?time|whenever|flexible|(?:it )?(?:does|do)(?:n't|nt| not) matter"
    r"|no preference|(?:i )?(?:don't|dont|do not) mind|whatever(?: works)?"
    r"|up to you|you (?:choose|pick|decide)|(?:any|all) of (?:them|those)"
)
_DAY_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            rf"\b(?:any ?days?(?: of the week)?|every ?day|all (?:the )?(?:week|days)"
            rf"|{_FLEXIBLE})\b"
        ),
        " _any_ ",
    ),
    (
        re.compile(r"\b(?:week ?-?days?|during the week|work ?days?|working days)\b"),
        _set_marker(_WEEKDAYS),
    ),
    (re.compile(r"\bweek ?-?ends?\b"), _set_marker(_WEEKENDS)),
    (re.compile(r"\bmid ?-?week\b"), _set_marker({1, 2, 3})),
)
# "M/W/F", "T/Th", "mwf": only when the whole answer is such letters.
_DAY_LETTERS = {"m": 0, "t": 1, "tu": 1, "w": 2, "th": 3, "f": 4, "sa": 5, "su": 6}
_DAY_LETTER = r"(?:th|tu|sa|su|[mtwf])"
_DAY_LETTER_ANSWER = re.compile(rf"{_DAY_LETTER}(?:[\s/,&+-]*{_DAY_LETTER})*")


def _day_item(token: str) -> _Item | None:
    token = token.removesuffix("'s")
    if token in _DAY_WORDS:
        return _Item("set", token, _DAY_WORDS[token])
    return _fuzzy(token, _DAY_CHOICES)


def _days_in(folded: str) -> frozenset[int] | None:
    items = _lex(folded, _DAY_PHRASES, _day_item)
    days = _resolve(_join_ranges(items, 7), _ALL_DAYS)
    if days is None and _DAY_LETTER_ANSWER.fullmatch(folded):
        letters = re.findall(rf"{_DAY_LETTER}|-", folded)
        items = [
            _Item("set", code, frozenset({_DAY_LETTERS[code]}))
            if code in _DAY_LETTERS
            else _Item("range", code)
            for code in letters
        ]
        days = _resolve(_join_ranges(items, 7), _ALL_DAYS)
    return days


def _describe_days(days: frozenset[int]) -> str:
    if days == _ALL_DAYS:
        return "Any day"
    if days == _WEEKDAYS:
        return "Weekdays"
    if days == _WEEKENDS:
        return "Weekends"
    return _join_names([_DAY_NAMES[day] for day in sorted(days)])


def parse_days(text: str) -> Parsed:
    """The days of the week that suit the visitor, in week order.

    Reads names, plurals, abbreviations, typos ("thrusday"), ranges ("mon-wed",
    "tuesday through friday"), "weekdays", "weekends", "any day" and exclusions
    ("any day except friday", "not mondays", "mondays are bad"). The value reads
    "Tuesday or Thursday", "Weekdays" (Mon-Fri), "Weekends" or "Any day".

    Errors: ``empty``; ``days_only_time`` (no day, but a time of day such as
    "mornings": the form keeps the time and asks again for days); ``days_missing``
    (no day of the week, e.g. "next week", "the 25th", or every day excluded).
    """
    folded = _fold(text)
    if not folded:
        return _fail(EMPTY)
    days = _days_in(folded)
    if days:
        return _ok(_describe_days(days))
    if days is None and _slots_in(folded):
        return _fail(DAYS_ONLY_TIME)
    return _fail(DAYS_MISSING)


# 4. Time of day ---------------------------------------------------------------------

_SLOT_NAMES = ("morning", "afternoon", "evening")
_MORNING, _AFTERNOON, _EVENING = 0, 1, 2
_ALL_SLOTS = frozenset({_MORNING, _AFTERNOON, _EVENING})
_SLOT_STARTS = (0, 12 * 60, 17 * 60, 24 * 60)  # noon-4:59pm afternoon, 5pm+ evening
_SLOT_WORDS = {
    "morning": _MORNING,
    "mornings": _MORNING,
    "morn": _MORNING,
    "early": _MORNING,
    "afternoon": _AFTERNOON,
    "afternoons": _AFTERNOON,
    "arvo": _AFTERNOON,
    "evening": _EVENING,
    "evenings": _EVENING,
    "eve": _EVENING,
    "night": _EVENING,
    "nights": _EVENING,
    "nite": _EVENING,
    "tonight": _EVENING,
    "late": _EVENING,
    "midnight": _EVENING,
}
_SLOT_CHOICES = {
    word: frozenset({slot}) for word, slot in _SLOT_WORDS.items() if len(word) > 5
}
_CLOCK = r"\d{1,2}(?:[:.h]\d{2})?(?:\s*[ap]\.?m\.?(?!\w)|[ap](?!\w))?(?:\s*o'?clock)?"
_CLOCK_PARTS = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?\s*([ap])?")
_CLOCK_RANGE = re.compile(
    rf"\b(?:between\s+({_CLOCK})\s*(?:and|-|\u2013|to)\s*({_CLOCK})"
    rf"|(?:from\s+)?({_CLOCK})\s*(?:-|\u2013|\u2014|to|till|til|until)\s*({_CLOCK}))(?!\w)"
)
# Not a clock: "2 days a week", "3 times".
_COUNTED = r"\s*(?:days?|weeks?|times?|hours?|hrs?|minutes?|mins?|months?|years?)\b"
_CLOCK_AT = re.compile(
    rf"\b(?:(before|by|until|till|til)\s+)?({_CLOCK})(?!\w)(?!{_COUNTED})"
)


@dataclass(frozen=True)
class _Clock:
    hour: int  # 0-23, or 1-12 when half is None and the half of day is unsaid
    minute: int
    half: str | None  # "a", "p" or None

    def minutes(self) -> int:
        """Minutes after midnight; an unsaid half means clinic hours (2 -> 2pm)."""
        hour = self.hour
        if self.half == "p" and hour < 12:
            hour += 12
        elif self.half == "a" and hour == 12:
            hour = 0
        elif self.half is None and 1 <= hour <= 6:
            hour += 12
        return hour * 60 + self.minute


def _clock(text: str) -> _Clock | None:
    match = _CLOCK_PARTS.match(text)
    if match is None:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if minute > 59 or hour > 23 or (half and not 1 <= hour <= 12):
        return None
    return _Clock(hour, minute, half)


def _slot_at(minutes: int) -> int:
    return max(slot for slot in _ALL_SLOTS if _SLOT_STARTS[slot] <= minutes % 1440)


def _slots_between(start: _Clock, end: _Clock) -> set[int]:
    """ "9-5" -> morning and afternoon; "2-4pm" shares the pm; "5-7" means pm."""
    if start.half is None and end.half is not None and start.hour <= 12:
        same_half = start.hour % 12 < end.hour % 12 or end.half == "a"
        start = _Clock(start.hour, start.minute, end.half if same_half else "a")
    first, last = start.minutes(), end.minutes()
    if last <= first and end.half is None and last + 720 < 1440:
        last += 720
    if last <= first:
        return {_slot_at(first), _slot_at(last)}
    bounds = itertools.pairwise(_SLOT_STARTS)
    return {
        slot for slot, (low, high) in enumerate(bounds) if low < last and first < high
    }


def _clock_range_marker(match: re.Match[str]) -> str:
    pieces = [piece for piece in match.groups() if piece]
    start, end = _clock(pieces[0]), _clock(pieces[1])
    if start is None or end is None:
        return match[0]
    return _set_marker(_slots_between(start, end))


def _clock_marker(match: re.Match[str]) -> str:
    clock = _clock(match[2])
    if clock is None:
        return match[0]
    minutes = clock.minutes() - (1 if match[1] else 0)  # "before 5" is 4:59
    return _set_marker({_slot_at(minutes)})


_TIME_PHRASES: tuple[tuple[re.Pattern[str], _Replacement], ...] = (
    # Flexible about days, which says nothing about the time.
    (
        re.compile(
            r"\b(?:any ?days?(?: of the week)?|every ?day|all week|any weekdays?"
            r"|any (?:mon|tues|wednes|thurs|fri|satur|sun)days?)\b"
        ),
        " ",
    ),
    (
        re.compile(
            r"\b(?:early|late|mid)(?:[ -]?| in the )"
            r"(morning|afternoon|evening|arvo)s?\b"
        ),
        r" \1 ",
    ),
    (
        re.compile(
            r"\bbefore (?:noon|lunch(?: ?time)?|mid-?day|work)\b|\bfirst thing\b"
        ),
        _set_marker({_MORNING}),
    ),
    (
        re.compile(
            r"\bafter (?:work|dinner|supper|hours|school|dark)\b"
            r"|\b(?:late|later) (?:in the )?day\b|\bend of (?:the )?day\b"
        ),
        _set_marker({_EVENING}),
    ),
    (
        re.compile(
            r"\bafter ?(?:lunch(?: ?time)?|noon|mid-?day)\b|\bmiddle of the day\b"
            r"|\bmid ?-?day\b|\blunch ?(?:time|break|hour)?\b|\bnoon\b"
        ),
        _set_marker({_AFTERNOON}),
    ),
    (_CLOCK_RANGE, _clock_range_marker),
    (_CLOCK_AT, _clock_marker),
    (re.compile(r"\ba\.m\.?|(?<!\bi )\bam\b"), _set_marker({_MORNING})),
    (re.compile(r"\bp\.m\.?|\bpm\b"), _set_marker({_AFTERNOON})),
    (re.compile(rf"\b(?:{_FLEXIBLE}|all day)\b"), " _any_ "),
)


def _slot_item(token: str) -> _Item | None:
    if token in _SLOT_WORDS:
        return _Item("set", token, frozenset({_SLOT_WORDS[token]}))
    return _fuzzy(token, _SLOT_CHOICES)


def _slots_in(folded: str) -> frozenset[int] | None:
    return _resolve(
        _join_ranges(_lex(folded, _TIME_PHRASES, _slot_item), 3), _ALL_SLOTS
    )


def parse_time_of_day(text: str) -> Parsed:
    """The time of day that suits the visitor: morning, afternoon and/or evening.

    Reads words ("mornings", "after lunch", "after work", "late"), typos
    ("afternon"), clock times ("10:30" morning, "2pm" afternoon, "6pm" evening;
    a bare "2" means 2pm), clock ranges ("10-2") and exclusions ("not mornings").
    The value reads "Morning", "Morning or afternoon" or "Any time".

    Errors: ``empty``; ``time_missing`` (no time of day found).
    """
    folded = _fold(text)
    if not folded:
        return _fail(EMPTY)
    slots = _slots_in(folded)
    if not slots:
        return _fail(TIME_MISSING)
    if slots == _ALL_SLOTS:
        return _ok("Any time")
    return _ok(_join_names([_SLOT_NAMES[slot] for slot in sorted(slots)]).capitalize())


# 5. Consent -------------------------------------------------------------------------

_EMOJI_ANSWERS = str.maketrans(
    {
        **dict.fromkeys("👍✅✔☑👌", " yes "),
        **dict.fromkeys("👎❌✖🚫⛔", " no "),
    }
)
_CONTACT_VERB = r"(?:contact|call|text|email|e-mail|phone|ring|message|reach|spam)\w*"
_CONTACT_ME = [
    f"{verb} me"
    for verb in ("contact", "call", "text", "email", "e mail", "phone", "message")
]
_REFUSES_CONTACT = re.compile(
    r"\b(?:don't|dont|do not|not|never|didn't|did not|won't|wont|shouldn't"
    r"|can't|cant|cannot)\b"
    rf"(?: \S+){{0,4}}? {_CONTACT_VERB}\b"
    r"|\bno (?:more )?(?:phone )?(?:calls?|texts?|emails?|contact|messages?)\b"
)
_HEDGES = re.compile(
    r"\b(?:maybe|perhaps|possibly|not sure|unsure|depends|idk|dunno|don't know"
    r"|i guess|not yet|later)\b"
)
_NEGATIVE_IDIOMS = re.compile(r"\b(?:why not|not a problem|no problem|no worries)\b")
_POLITE = ("thanks", "thank you", "thx", "ty", "please", "pls", "plz", "sorry")
_PLEASE_CONTACT_ME = [
    f"{lead} {me}" for lead in ("please", "you can", "you may") for me in _CONTACT_ME
]
_YES = _Answers.of(
    (
        "yes", "y", "ya", "yah", "yeah", "yea", "yep", "yup", "yes please", "sure",
        "sure thing", "ok", "okay", "okey", "k", "kk", "of course", "absolutely",
        "definitely", "certainly", "agreed", "agree", "i agree", "i consent",
        "consent", "i do", "fine", "that's fine", "thats fine", "that is fine",
        "that's ok", "that's okay", "go ahead", "please do", "alright", "all right",
        "sounds good", "no problem", "not a problem", "no worries", "why not",
        "correct", "that's correct", "all correct", "that's right", "right",
        "all good", "looks good", "looks right", "you can", "you may", "feel free",
        "happy to", "i'm happy", "i am happy", "perfect", "great", "good", "cool",
        "for sure", "totally",
        *_PLEASE_CONTACT_ME,
    ),
    # "sure, text me": said after a yes, not on its own (a correction reads so).
    (*_POLITE, *_CONTACT_ME, "by phone", "by email", "by e mail", "by text"),
)  # fmt: skip
_NO = _Answers.of(
    (
        "no", "n", "nope", "nah", "naw", "no thanks", "no thank you", "not really",
        "not now", "i don't", "i do not", "i don't agree", "i do not agree",
        "i disagree", "disagree", "i don't consent", "i do not consent", "don't",
        "do not", "rather not", "i'd rather not", "i would rather not",
        "prefer not", "i'd prefer not", "i would prefer not", "please don't",
        "please do not", "no way", "not interested", "absolutely not",
        "definitely not", "of course not", "certainly not", "never",
        "you may not", "you can't", "you cannot",
    ),
    _POLITE,
)  # fmt: skip


def parse_consent(text: str) -> Parsed:
    """Whether the visitor agrees to be contacted: True or False.

    Only clear answers count: "yes please", "sure, go ahead", "👍" are True;
    "no thanks", "i'd rather not", "please don't" are False. Refusing a way of
    contacting ("yes, but don't call me") is False: the team must not guess.

    Errors: ``consent_unclear`` for anything else, questions ("why?"), hedges
    ("maybe") and empty answers included.
    """
    words = _words(text.translate(_EMOJI_ANSWERS))
    if not words or "?" in text:
        return _fail(CONSENT_UNCLEAR)
    if _HEDGES.search(words):
        return _fail(CONSENT_UNCLEAR)
    refusal = _NEGATIVE_IDIOMS.sub(" ", words)
    if _REFUSES_CONTACT.search(refusal) or _NO.match(words):
        return _ok(False)
    if _YES.match(words):
        return _ok(True)
    return _fail(CONSENT_UNCLEAR)


# 6. Hopes ---------------------------------------------------------------------------

_SKIP = _Answers.of(
    (
        "skip", "skip it", "skip this", "skip that", "no", "nah", "nope", "none",
        "nothing", "nothing really", "not really", "n a", "na", "pass", "not now",
        "no thanks", "no thank you", "no comment", "rather not", "rather not say",
        "i'd rather not", "i'd rather not say", "i would rather not say",
        "prefer not", "prefer not to say", "i prefer not to say",
        "i'd prefer not to say", "i would prefer not to say", "rather not answer",
    ),
    (*_POLITE, "for now", "just"),
)  # fmt: skip
_TRAILING_PUNCTUATION = " ,;:.!?" + "".join(_DASHES)


def parse_hopes(text: str, max_length: int = 500) -> Parsed:
    """What the visitor hopes treatment could help with, in their words; optional.

    A skip ("skip", "none", "prefer not to say") is the empty string. Otherwise
    whitespace is tidied and text over ``max_length`` characters is cut at a word
    boundary, ending in "…" (the result, "…" included, fits ``max_length``).

    Errors: ``empty`` (no characters at all).
    """
    tidy = " ".join(text.split())
    if not tidy:
        return _fail(EMPTY)
    if _SKIP.match(_words(tidy)):
        return _ok("")
    return _ok(_truncate(tidy, max_length))


def _truncate(text: str, max_length: int) -> str:
    if max_length < 1:
        raise ValueError("max_length must be at least 1")
    if len(text) <= max_length:
        return text
    cut = text[: max_length - 1]
    if text[max_length - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]  # do not end on half a word
    return cut.rstrip(_TRAILING_PUNCTUATION) + "…"


# 7. Which answer to correct ---------------------------------------------------------

_DAY_NAME_WORDS = "|".join(sorted(_DAY_WORDS, key=len, reverse=True))
_FIELD_WORDS = re.compile(
    rf"\b(?:(?P<time_of_day>time of (?:the )?day)"
    r"|(?P<name>(?:first |last |sur)?name)"
    r"|(?P<contact>phone(?: number)?|number|mobile|cell(?: ?phone)?|telephone"
    r"|e-?mail(?: address)?|e mail|mail|contact(?: details| info)?|reach me|address)"
    rf"|(?P<days>days?|dates?|{_DAY_NAME_WORDS})"
    r"|(?P<time>times?|mornings?|afternoons?|evenings?|hours?|earlier|later)"
    r"|(?P<hopes>hopes?|hoping|reasons?|help with|goals?))\b"
)
_FIELDS = {
    "time_of_day": BOOKING_TIME,
    "name": BOOKING_FIRST_NAME,
    "contact": BOOKING_CONTACT,
    "days": BOOKING_DAYS,
    "time": BOOKING_TIME,
    "hopes": BOOKING_HOPES,
}
_PLEASANTRIES = re.compile(
    r"\b(?:(?:have|enjoy) a (?:nice|good|great|lovely) (?:day|evening|weekend)"
    r"|good (?:morning|afternoon|evening)|(?:thanks|thank you) for your time"
    r"|in the meantime)\b"
)


def which_booking_field(text: str) -> str | None:
    """The form question the visitor wants to correct at the summary, if named.

    Whole words, any case: "wrong name", "change my email", "thursday not
    tuesday", "the time". The first named wins. A plain yes ("yes, please contact
    me") and pleasantries ("have a nice day") name nothing.
    """
    if parse_consent(text).value is True:
        return None
    match = _FIELD_WORDS.search(_PLEASANTRIES.sub(" ", _fold(text)))
    if match is None or match.lastgroup is None:
        return None
    return _FIELDS[match.lastgroup]


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
    "parse_consent",
    "parse_contact",
    "parse_days",
    "parse_first_name",
    "parse_hopes",
    "parse_time_of_day",
    "which_booking_field",
]
