"""Consent to be contacted: a clear yes or a clear no, in words, idioms or emoji."""

from __future__ import annotations

import re

from clinic.booking.validators.parsed import (
    CONSENT_UNCLEAR,
    POLITE,
    AnswerPhrases,
    Parsed,
    accept,
    plain_words,
    reject,
)

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
_PLEASE_CONTACT_ME = [
    f"{lead} {me}" for lead in ("please", "you can", "you may") for me in _CONTACT_ME
]
_YES = AnswerPhrases.of(
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
    (*POLITE, *_CONTACT_ME, "by phone", "by email", "by e mail", "by text"),
)  # fmt: skip
_NO = AnswerPhrases.of(
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
    POLITE,
)  # fmt: skip


def parse_consent(text: str) -> Parsed:
    """Whether the visitor agrees to be contacted: True or False.

    Only clear answers count: "yes please", "sure, go ahead", "👍" are True;
    "no thanks", "i'd rather not", "please don't" are False. Refusing a way of
    contacting ("yes, but don't call me") is False: the team must not guess.

    Errors: ``consent_unclear`` for anything else, questions ("why?"), hedges
    ("maybe") and empty answers included.
    """
    words = plain_words(text.translate(_EMOJI_ANSWERS))
    if not words or "?" in text:
        return reject(CONSENT_UNCLEAR)
    if _HEDGES.search(words):
        return reject(CONSENT_UNCLEAR)
    refusal = _NEGATIVE_IDIOMS.sub(" ", words)
    if _REFUSES_CONTACT.search(refusal) or _NO.match(words):
        return accept(False)
    if _YES.match(words):
        return accept(True)
    return reject(CONSENT_UNCLEAR)
