"""The first name: "its sarah", "Sarah-Jane", "call me Jo"; not "ok" or "why?"."""

from __future__ import annotations

import re
import unicodedata

from clinic.booking.validators.parsed import (
    EMPTY,
    NAME_HAS_DIGITS,
    NAME_LOOKS_LIKE_CONTACT,
    NAME_NOT_A_NAME,
    NAME_TOO_LONG,
    Parsed,
    accept,
    plain_words,
    reject,
)

MAX_NAME_WORDS = 4
MAX_NAME_CHARS = 40

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


# Words that are no part of anyone's first name, so a reply holding one is not a
# name ("thanks thats helpful", "where is the clinic"). Words that are also
# names somewhere ("Will", "Hope", "Can", "My", "An") are left out.
_NOT_NAME_WORDS = frozenset(
    {
        "thats", "that's", "helpful", "great", "cool", "awesome", "perfect",
        "is", "are", "was", "the", "your", "you", "it", "this", "that", "what",
        "where", "when", "how", "why", "does", "not", "thanks", "thank",
        "please", "info", "address", "hours", "clinic", "ketamine", "infusion",
        "appointment", "book", "booking", "question", "questions", "know",
        "want", "need", "about",
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
        return reject(EMPTY)
    digits = sum(ch.isdigit() for ch in raw)
    if "@" in raw or (digits >= 7 and digits >= sum(ch.isalpha() for ch in raw)):
        return reject(NAME_LOOKS_LIKE_CONTACT)
    if digits:
        return reject(NAME_HAS_DIGITS)
    name, trailing = _strip_name(raw)
    if (
        not name
        or "?" in trailing
        or {plain_words(raw), plain_words(name)} & _NOT_NAMES
        or set(plain_words(name).split()) & _NOT_NAME_WORDS
    ):
        return reject(NAME_NOT_A_NAME)
    if len(name.split()) > MAX_NAME_WORDS or len(name) > MAX_NAME_CHARS:
        return reject(NAME_TOO_LONG)
    if not all(_is_letter(ch) or ch in " -'." for ch in name):
        return reject(NAME_NOT_A_NAME)
    return accept(name.title() if name.islower() else name)
