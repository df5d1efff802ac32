"""Personal details out of visitors' messages before staff reuse them.

A message staff assign to a topic becomes a training example in data/, which
is kept in git and shipped with every model: it must not carry the visitor's
name, email address or phone number. ``scrub`` replaces them with "(name)",
"(email)" and "(phone)", erring on the side of scrubbing too much.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import phonenumbers

from clinic.booking.validators.contact import MIN_PHONE_DIGITS
from clinic.nlp.vocabulary import KEY_WORDS, TREATMENT_TERMS

logger = logging.getLogger(__name__)

NAME, EMAIL, PHONE = "(name)", "(email)", "(phone)"
DEFAULT_REGION = "US"
DATE_PLACEHOLDER = "(date)"

# Starts only where a run of address characters begins: one scan per run.
EMAIL_ADDRESS = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Fallback for numbers phonenumbers does not accept (too short for the region,
# oddly grouped): runs of 7 or more digits with the usual separators.
DIGIT_RUN = re.compile(
    rf"(?<![\w+])\+?\(?\d(?:[\s().-]{{0,2}}\d){{{MIN_PHONE_DIGITS - 1},}}(?!\w)"
)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Phrases that introduce a name whatever its case ("my name is sam").
STRONG_NAME_CUES = (r"my name is", r"my name's", r"name's", r"call me", r"i go by")
# Phrases also followed by states and feelings: only a capitalised word that is
# not one of these (nor the clinic's vocabulary) is taken for a name.
WEAK_NAME_CUES = (
    r"i'm",
    "i\u2019m",
    r"im",
    r"i am",
    r"this is",
    r"it's",
    "it\u2019s",
    r"it is",
)
# "my husband John", "Dr. Patel": a capitalised word after these is a name.
RELATIONS = (
    "husband",
    "wife",
    "partner",
    "boyfriend",
    "girlfriend",
    "fiance",
    "fiancee",
    "son",
    "daughter",
    "child",
    "kid",
    "mom",
    "mum",
    "mother",
    "dad",
    "father",
    "brother",
    "sister",
    "aunt",
    "uncle",
    "grandma",
    "grandpa",
    "grandmother",
    "grandfather",
    "friend",
    "roommate",
    "coworker",
    "boss",
    "therapist",
    "psychiatrist",
    "doctor",
    "nurse",
    "counselor",
    "gp",
)
TITLES = ("dr", "doctor", "mr", "mrs", "ms", "miss", "mx", "prof", "professor")
NAME_WORD = "[^\\W\\d_][\\w'\u2019-]*"
NOT_NAMES_TEXT = """
    a an the not no so very really just still also too quite pretty kind sort
    here there back home new old sure ok okay fine good great well better worse
    bad sad happy glad worried anxious scared afraid nervous depressed stressed
    tired exhausted lonely alone lost confused curious interested desperate
    hopeless helpless suicidal hurting struggling trying looking wondering
    thinking going getting feeling having asking calling writing considering
    planning hoping waiting ready unsure uncertain sorry sick ill unwell
    on off in at from with for about over under out up down into of to and or but
    my your his her their our its this that these those what who why how when
    where which whether if because since currently already now today tomorrow
    done finished interested concerned frustrated overwhelmed fed up afraid
    male female married single divorced widowed retired unemployed employed
    veteran student nurse doctor patient parent mother father mom dad wife husband
    interested allergic diabetic bipolar autistic sober clean nauseous dizzy
    taking using on calling booking scheduling english spanish american canadian
    hi hello hey thanks thank yes yeah yep nope please maybe anytime whenever
    later soon asap any after before between around morning afternoon evening
    monday tuesday wednesday thursday friday saturday sunday
    """
NOT_NAMES = (
    frozenset(NOT_NAMES_TEXT.split())
    | frozenset(KEY_WORDS)
    | frozenset(TREATMENT_TERMS)
)
# Feelings and states the stop list does not name ("Overjoyed", "Heartbroken").
STATE_SUFFIXES = ("ed", "ing", "ous", "ful", "less", "ive", "able", "ible")
MIN_SUFFIXED_LENGTH = 6


def scrub(text: str, known: Iterable[str] = (), region: str | None = None) -> str:
    """`text` without email addresses, phone numbers and names.

    `known` are personal details the visitor gave elsewhere in the conversation
    (clinic.review.queue.ReviewItem.personal_details): they are replaced wherever they
    appear as whole words, in any case.
    """
    text = EMAIL_ADDRESS.sub(EMAIL, text)
    text = _scrub_known(text, known)
    text = DATE.sub(DATE_PLACEHOLDER, text)
    text = _scrub_phone_numbers(text, region or _default_region())
    return _scrub_introduced_names(text)


# ---- known details ----------------------------------------------------------------


def _placeholder_for(value: str) -> str:
    if EMAIL_ADDRESS.fullmatch(value):
        return EMAIL
    if sum(ch.isdigit() for ch in value) >= MIN_PHONE_DIGITS:
        return PHONE
    return NAME


def _scrub_known(text: str, known: Iterable[str]) -> str:
    # Longest first, so "Jane Doe" goes before a bare "Jane".
    values = sorted(
        {v.strip() for v in known if v and v.strip()}, key=len, reverse=True
    )
    for value in values:
        placeholder = _placeholder_for(value)
        pattern = re.compile(rf"(?<!\w){re.escape(value)}(?!\w)", re.IGNORECASE)
        text = pattern.sub(placeholder, text)
        if placeholder == NAME:
            text = _scrub_name_parts(text, value)
    return text


def _scrub_name_parts(text: str, name: str) -> str:
    """The first and last name of a full name, each on its own."""
    parts = [part for part in name.split() if len(part) > 1]
    if len(parts) < 2:
        return text
    for part in parts:
        pattern = re.compile(rf"(?<!\w){re.escape(part)}(?!\w)", re.IGNORECASE)
        text = pattern.sub(NAME, text)
    return text


# ---- phone numbers --------------------------------------------------------------


def _default_region() -> str:
    """The clinic's phone region (config/clinic.yml), else the US."""
    try:
        from clinic.settings import current_settings

        return current_settings().phone_region or DEFAULT_REGION
    except Exception:  # scrubbing must work without the settings
        logger.warning(
            "scrub: clinic settings unreadable, phone region %s", DEFAULT_REGION
        )
        return DEFAULT_REGION


def _scrub_phone_numbers(text: str, region: str) -> str:
    matches = phonenumbers.PhoneNumberMatcher(
        text, region, leniency=phonenumbers.Leniency.POSSIBLE
    )
    # Replaced from the end so that earlier offsets stay valid.
    for match in reversed(list(matches)):
        text = text[: match.start] + PHONE + text[match.end :]
    return DIGIT_RUN.sub(_phone_or_date, text)


def _phone_or_date(match: re.Match[str]) -> str:
    found = match.group(0)
    if ISO_DATE.match(found.strip()):
        return found
    return PHONE if sum(ch.isdigit() for ch in found) >= MIN_PHONE_DIGITS else found


# ---- introduced names -------------------------------------------------------------


def _cue_pattern(cues: Iterable[str]) -> str:
    return "|".join(cue.replace(" ", r"\s+") for cue in cues)


STRONG_NAME = re.compile(
    rf"\b(?P<cue>{_cue_pattern(STRONG_NAME_CUES)})\s+(?P<name>{NAME_WORD})",
    re.IGNORECASE,
)
WEAK_NAME = re.compile(
    rf"\b(?P<cue>{_cue_pattern(WEAK_NAME_CUES)})\s+(?P<name>{NAME_WORD})", re.IGNORECASE
)
# A capitalised word right after a scrubbed name is its surname ("Sam Lee").
RELATED_NAME = re.compile(
    rf"\b(?P<cue>(?:my|our|his|her|their)\s+(?:{'|'.join(RELATIONS)})),?"
    rf"\s+(?P<name>{NAME_WORD})",
    re.IGNORECASE,
)
TITLED_NAME = re.compile(
    rf"\b(?P<cue>(?:{'|'.join(TITLES)})\.?)\s+(?P<name>{NAME_WORD})", re.IGNORECASE
)
# Dates (a birthday is personal): 12/05/1990, 5-12-90, 1990-05-12.
DATE = re.compile(r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2})\b")
SURNAME = re.compile(rf"{re.escape(NAME)}(?P<gap>\s+)(?P<name>{NAME_WORD})")


def _looks_like_a_state(word: str) -> bool:
    lowered = word.lower().strip("'\u2019")
    if lowered in NOT_NAMES:
        return True
    return len(lowered) >= MIN_SUFFIXED_LENGTH and lowered.endswith(STATE_SUFFIXES)


def _is_name(word: str, capitalised_only: bool) -> bool:
    if capitalised_only and not word[0].isupper():
        return False
    return not _looks_like_a_state(word)


def _replace_name(match: re.Match[str], capitalised_only: bool) -> str:
    if not _is_name(match.group("name"), capitalised_only):
        return match.group(0)
    return match.group(0)[: match.start("name") - match.start()] + NAME


def _drop_surname(match: re.Match[str]) -> str:
    return (
        NAME if _is_name(match.group("name"), capitalised_only=True) else match.group(0)
    )


def _scrub_introduced_names(text: str) -> str:
    text = STRONG_NAME.sub(lambda m: _replace_name(m, capitalised_only=False), text)
    # "Dr. Patel" as a whole, first: else "this is Dr" would take the title.
    text = TITLED_NAME.sub(
        lambda m: NAME if _is_name(m.group("name"), True) else m.group(0), text
    )
    for cued in (WEAK_NAME, RELATED_NAME):
        text = cued.sub(lambda m: _replace_name(m, capitalised_only=True), text)
    return SURNAME.sub(_drop_surname, text)
