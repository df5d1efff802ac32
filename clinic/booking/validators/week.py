"""Days of the week ("tuesdy or thrusday", "weekdays but not fri") and times of day
("mornings", "after 3pm", "9-11"). One module: each answer may hold the other
("mondays after 5") and each parser must recognise what belongs to the other."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from clinic.booking.validators.parsed import (
    DAYS_MISSING,
    DAYS_ONLY_TIME,
    EMPTY,
    TIME_MISSING,
    Parsed,
    accept,
    fold,
    reject,
)
from clinic.booking.validators.week_terms import (
    Item,
    Replacement,
    fuzzy_item,
    join_names,
    join_ranges,
    lex,
    resolve,
    set_marker,
)

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
DAY_WORDS: dict[str, frozenset[int]] = {
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
        set_marker(_WEEKDAYS),
    ),
    (re.compile(r"\bweek ?-?ends?\b"), set_marker(_WEEKENDS)),
    (re.compile(r"\bmid ?-?week\b"), set_marker({1, 2, 3})),
)
# "M/W/F", "T/Th", "mwf": only when the whole answer is such letters.
_DAY_LETTERS = {"m": 0, "t": 1, "tu": 1, "w": 2, "th": 3, "f": 4, "sa": 5, "su": 6}
_DAY_LETTER = r"(?:th|tu|sa|su|[mtwf])"
_DAY_LETTER_ANSWER = re.compile(rf"{_DAY_LETTER}(?:[\s/,&+-]*{_DAY_LETTER})*")


def _day_item(token: str) -> Item | None:
    token = token.removesuffix("'s")
    if token in DAY_WORDS:
        return Item("set", token, DAY_WORDS[token])
    return fuzzy_item(token, _DAY_CHOICES)


def _days_in(folded: str) -> frozenset[int] | None:
    items = lex(folded, _DAY_PHRASES, _day_item)
    days = resolve(join_ranges(items, 7), _ALL_DAYS)
    if days is None and _DAY_LETTER_ANSWER.fullmatch(folded):
        letters = re.findall(rf"{_DAY_LETTER}|-", folded)
        items = [
            Item("set", code, frozenset({_DAY_LETTERS[code]}))
            if code in _DAY_LETTERS
            else Item("range", code)
            for code in letters
        ]
        days = resolve(join_ranges(items, 7), _ALL_DAYS)
    return days


def _describe_days(days: frozenset[int]) -> str:
    if days == _ALL_DAYS:
        return "Any day"
    if days == _WEEKDAYS:
        return "Weekdays"
    if days == _WEEKENDS:
        return "Weekends"
    return join_names([_DAY_NAMES[day] for day in sorted(days)])


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
    folded = fold(text)
    if not folded:
        return reject(EMPTY)
    days = _days_in(folded)
    if days:
        return accept(_describe_days(days))
    if days is None and _slots_in(folded):
        return reject(DAYS_ONLY_TIME)
    return reject(DAYS_MISSING)


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
    return set_marker(_slots_between(start, end))


def _clock_marker(match: re.Match[str]) -> str:
    clock = _clock(match[2])
    if clock is None:
        return match[0]
    minutes = clock.minutes() - (1 if match[1] else 0)  # "before 5" is 4:59
    return set_marker({_slot_at(minutes)})


_TIME_PHRASES: tuple[tuple[re.Pattern[str], Replacement], ...] = (
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
        set_marker({_MORNING}),
    ),
    (
        re.compile(
            r"\bafter (?:work|dinner|supper|hours|school|dark)\b"
            r"|\b(?:late|later) (?:in the )?day\b|\bend of (?:the )?day\b"
        ),
        set_marker({_EVENING}),
    ),
    (
        re.compile(
            r"\bafter ?(?:lunch(?: ?time)?|noon|mid-?day)\b|\bmiddle of the day\b"
            r"|\bmid ?-?day\b|\blunch ?(?:time|break|hour)?\b|\bnoon\b"
        ),
        set_marker({_AFTERNOON}),
    ),
    (_CLOCK_RANGE, _clock_range_marker),
    (_CLOCK_AT, _clock_marker),
    (re.compile(r"\ba\.m\.?|(?<!\bi )\bam\b"), set_marker({_MORNING})),
    (re.compile(r"\bp\.m\.?|\bpm\b"), set_marker({_AFTERNOON})),
    (re.compile(rf"\b(?:{_FLEXIBLE}|all day)\b"), " _any_ "),
)


def _slot_item(token: str) -> Item | None:
    if token in _SLOT_WORDS:
        return Item("set", token, frozenset({_SLOT_WORDS[token]}))
    return fuzzy_item(token, _SLOT_CHOICES)


def _slots_in(folded: str) -> frozenset[int] | None:
    return resolve(join_ranges(lex(folded, _TIME_PHRASES, _slot_item), 3), _ALL_SLOTS)


def parse_time_of_day(text: str) -> Parsed:
    """The time of day that suits the visitor: morning, afternoon and/or evening.

    Reads words ("mornings", "after lunch", "after work", "late"), typos
    ("afternon"), clock times ("10:30" morning, "2pm" afternoon, "6pm" evening;
    a bare "2" means 2pm), clock ranges ("10-2") and exclusions ("not mornings").
    The value reads "Morning", "Morning or afternoon" or "Any time".

    Errors: ``empty``; ``time_missing`` (no time of day found).
    """
    folded = fold(text)
    if not folded:
        return reject(EMPTY)
    slots = _slots_in(folded)
    if not slots:
        return reject(TIME_MISSING)
    if slots == _ALL_SLOTS:
        return accept("Any time")
    return accept(
        join_names([_SLOT_NAMES[slot] for slot in sorted(slots)]).capitalize()
    )
