"""What the visitor hopes for: free text, optional ("skip", "n/a"), kept short."""

from __future__ import annotations

from clinic.booking.validators.parsed import (
    DASHES,
    EMPTY,
    POLITE,
    AnswerPhrases,
    Parsed,
    accept,
    plain_words,
    reject,
)

_SKIP = AnswerPhrases.of(
    (
        "skip", "skip it", "skip this", "skip that", "no", "nah", "nope", "none",
        "nothing", "nothing really", "not really", "n a", "na", "pass", "not now",
        "no thanks", "no thank you", "no comment", "rather not", "rather not say",
        "i'd rather not", "i'd rather not say", "i would rather not say",
        "prefer not", "prefer not to say", "i prefer not to say",
        "i'd prefer not to say", "i would prefer not to say", "rather not answer",
    ),
    (*POLITE, "for now", "just"),
)  # fmt: skip
_TRAILING_PUNCTUATION = " ,;:.!?" + "".join(DASHES)


def parse_hopes(text: str, max_length: int = 500) -> Parsed:
    """What the visitor hopes treatment could help with, in their words; optional.

    A skip ("skip", "none", "prefer not to say") is the empty string. Otherwise
    whitespace is tidied and text over ``max_length`` characters is cut at a word
    boundary, ending in "…" (the result, "…" included, fits ``max_length``).

    Errors: ``empty`` (no characters at all).
    """
    tidy = " ".join(text.split())
    if not tidy:
        return reject(EMPTY)
    if _SKIP.match(plain_words(tidy)):
        return accept("")
    return accept(_truncate(tidy, max_length))


def _truncate(text: str, max_length: int) -> str:
    if max_length < 1:
        raise ValueError("max_length must be at least 1")
    if len(text) <= max_length:
        return text
    cut = text[: max_length - 1]
    if text[max_length - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]  # do not end on half a word
    return cut.rstrip(_TRAILING_PUNCTUATION) + "…"
