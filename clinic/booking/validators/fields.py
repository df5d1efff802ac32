"""Which earlier answer a visitor corrects: "wrong number", "change the day"."""

from __future__ import annotations

import re

from clinic.booking.validators.consent import parse_consent
from clinic.booking.validators.parsed import (
    BOOKING_CONTACT,
    BOOKING_DAYS,
    BOOKING_FIRST_NAME,
    BOOKING_HOPES,
    BOOKING_TIME,
    fold,
)
from clinic.booking.validators.week import DAY_WORDS

_DAY_NAME_WORDS = "|".join(sorted(DAY_WORDS, key=len, reverse=True))
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
    match = _FIELD_WORDS.search(_PLEASANTRIES.sub(" ", fold(text)))
    if match is None or match.lastgroup is None:
        return None
    return _FIELDS[match.lastgroup]
