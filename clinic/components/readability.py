"""Catches messages the English classifiers cannot read, before they guess.

An English classifier confidently maps a Spanish question or a row of emoji to
some English topic. This component adds ``readability`` (``{"has_words": bool,
"english": bool}``) to the parse result and, for a message with no words or not
in English, makes the intent ``nlu_fallback`` so the fallback action answers it
politely.
A message is "not in English" only when two readings agree: too few of its words
are known English (the spaCy pipeline's vocabulary and spelling repair), and a
language identifier (py3langid, langid.py's model) finds another language likelier.
Either alone misjudges real visitors: the vocabulary does not know "hallucinate"
or "KAP", and the identifier guesses wildly on three words. The vocabulary is a
list of frequent words on English web pages, so it also holds Spanish "la", "es",
"para", "tiene", "puede": a word that is a function word of the language the
identifier finds (spaCy's stop-word lists) and not one of English's counts as
unknown when the message has three or more of them, or two and another sign of
that language (an accent, "¿", a word known only as a repaired misspelling such
as "ketamina"), else "¿la ketamina es segura para la depresión?" read as English
and got an English topic's answer; one or two, as in "i wanna die man" or "Dr. de
la Rosa", are English chat and names. One or two words are too few to judge,
unless none is English and one is a function word of the language found or the
text has "¿" or "¡" ("¿cuánto cuesta?").
A phone number or email address typed on its own has no words either, but it is
no unreadable message: it becomes ``inform`` (what answers to the forms'
contact question are), with ``contact_details`` ("phone" or "email") added to
``readability``, so the visitor is offered a call-back or a booking
(actions/handoff.py) instead of being told there were no words.
The crisis detector runs after it, so a crisis is never hidden by this.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME as FALLBACK_INTENT
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.tokens import Doc

from clinic.booking.validators import mentioned_contact_kind
from clinic.components.intents import put_intent_on_top
from clinic.intent_names import INFORM

READABILITY = "readability"
CONTACT_DETAILS = "contact_details"
INTENT_PAYLOAD_PREFIX = "/"
# Share of a message's words that must be known English words.
ENGLISH_SHARE = 0.7
# Fewer words than this are too little evidence to call a message foreign.
MIN_WORDS_TO_JUDGE = 3
# Below this share of known words, a message the identifier takes for English is
# keyboard noise or made-up words ("blorf the quindle"): the fallback asks again.
# No real visitor's message in research/real_questions/ is below it.
UNCLEAR_SHARE = 0.5
LATIN_END = 0x250  # Basic Latin to Latin Extended-B
ASCII_END = 0x7F


ENGLISH = "en"
# The identifier chooses among English and the Latin-script languages visitors
# of US and Canadian clinics most often write: over all 97 of its languages it
# takes lower-case English for Swedish or Finnish ("will i hallucinate"). Other
# scripts are the vocabulary's to judge (is_latin).
LATIN_SCRIPT_LANGUAGES = [
    ENGLISH,
    *["es", "fr", "de", "pt", "it", "pl", "vi", "tl", "nl", "ro", "ht"],
]


# Characters the language identifier reads (likeliest_language).
LANGUAGE_SAMPLE_CHARS = 1000
# Spanish opening marks: no English message needs them.
SPANISH_MARKS = frozenset("¿¡")
# A message's function words of the identified language count as unknown English
# only when it has this many different ones, or one fewer with a sign of another
# language besides (a mark, an accented letter, a word known only as a repaired
# misspelling: "ketamina", "depresion"). English chat and names have one or two:
# "i wanna die man" (German "die", "man"), "can i come solo" (Italian), "Dr. de la
# Rosa"; Spanish and French sentences have several.
MIN_FUNCTION_WORDS = 3


@functools.cache
def function_words(language: str) -> frozenset[str]:
    """The language's stop words that English does not have ("la", "es", "que"
    in Spanish; not "a" or "me"), of two letters or more ("u" and "r" are chat
    English); empty for a language spaCy has no list for."""
    from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_STOP_WORDS

    return (
        frozenset(word for word in stop_words(language) if len(word) > 1)
        - ENGLISH_STOP_WORDS
    )


def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop-word list for the language, read from its file alone:
    importing ``spacy.lang.<language>.stop_words`` runs the language's package
    first, whose tokenizer exceptions took 2.2 s to compile for French, on the
    Rasa server's event loop at the first French message (the fuzz run's
    slowest hello)."""
    import runpy

    import spacy.lang

    path = Path(spacy.lang.__file__).parent / language / "stop_words.py"
    if not path.is_file():  # no list for this language (Haitian Creole)
        return frozenset()
    return frozenset(runpy.run_path(str(path))["STOP_WORDS"])


@functools.cache
def language_identifier() -> Any:
    """langid.py's model, loaded on first use."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE)
    identifier.set_languages(LATIN_SCRIPT_LANGUAGES)
    return identifier


def likeliest_language(text: str) -> str:
    """The ISO 639-1 code of the likeliest of LATIN_SCRIPT_LANGUAGES (lower
    case, as the sanitiser leaves the text), read from the message's start: a
    paragraph tells the language, and a 64,000-character message costs no more
    than a long question."""
    sample = text[:LANGUAGE_SAMPLE_CHARS].lower()
    return str(language_identifier().classify(sample)[0])


def words_of(doc: Doc) -> list[str]:
    return [token.lower_ for token in doc if token.is_alpha]


def is_latin(word: str) -> bool:
    return all(ord(char) < LATIN_END for char in word)


def mostly_latin(words: list[str]) -> bool:
    return sum(1 for word in words if is_latin(word)) >= len(words) / 2


def known_share(words: list[str], is_known: Callable[[str], bool]) -> float:
    """Share of the Latin-script words that are known English; 1.0 for fewer
    than MIN_WORDS_TO_JUDGE of them (too little to judge)."""
    latin = [word for word in words if is_latin(word)]
    if len(latin) < MIN_WORDS_TO_JUDGE:
        return 1.0
    return sum(1 for word in latin if is_known(word)) / len(latin)


def has_spanish_mark(text: str) -> bool:
    return any(char in SPANISH_MARKS for char in text)


def has_other_signs(
    text: str, words: list[str], repair: Callable[[str], str | None]
) -> bool:
    """A mark or letter English does not use, or a word known only as a
    repaired misspelling ("ketamina" → ketamine: ``repair`` is the spelling
    normaliser's, None for common and key words)."""
    return (
        has_spanish_mark(text)
        or any(ord(char) > ASCII_END for char in text if char.isalpha())
        or any(repair(word) is not None for word in set(words))
    )


def unknown_function_words(
    text: str,
    words: list[str],
    language: str,
    repair: Callable[[str], str | None],
) -> frozenset[str]:
    """The identified language's function words in the message, when they are
    evidence enough (MIN_FUNCTION_WORDS) to count as unknown English."""
    found = function_words(language).intersection(words)
    if len(found) >= MIN_FUNCTION_WORDS:
        return found
    if len(found) == MIN_FUNCTION_WORDS - 1 and has_other_signs(text, words, repair):
        return found
    return frozenset()


def few_words_look_foreign(
    text: str, words: list[str], is_english: Callable[[str], bool], language: str
) -> bool:
    """One or two words, none of them English, with a function word of the
    identified language or a Spanish mark ("¿cuánto cuesta?", "¿hablan
    español?"): a name ("José") or "tricare" alone stays English."""
    return (
        0 < len(words) < MIN_WORDS_TO_JUDGE
        and not any(is_english(word) for word in words)
        and (not function_words(language).isdisjoint(words) or has_spanish_mark(text))
    )


def reads_as_english(
    text: str,
    words: list[str],
    is_known: Callable[[str], bool],
    repair: Callable[[str], str | None],
) -> bool:
    """Foreign only when the vocabulary and the language identifier agree; the
    identified language's function words do not count as known English when
    the message has enough of them (unknown_function_words)."""
    if not words or not mostly_latin(words):
        return False
    language = likeliest_language(text)
    if language == ENGLISH:
        return True
    unknown = unknown_function_words(text, words, language, repair)

    def is_english(word: str) -> bool:
        return word not in unknown and is_known(word)

    if few_words_look_foreign(text, words, is_english, language):
        return False
    return known_share(words, is_english) >= ENGLISH_SHARE


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
    is_trainable=False,
    model_from="SpacyNLP",
)
class ReadabilityCheck(GraphComponent):
    """Marks messages that have no words or are probably not English."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ReadabilityCheck:
        # Read when the model loads (70 ms), not at a visitor's first message.
        language_identifier()
        for language in LATIN_SCRIPT_LANGUAGES:
            function_words(language)
        return cls()

    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        normalizer = model.model.get_pipe("clinic_normalizer")
        for message in messages:
            if str(message.get(TEXT) or "").startswith(INTENT_PAYLOAD_PREFIX):
                continue  # a button payload such as /book_appointment, not typed text
            doc = message.get(SPACY_DOCS[TEXT])
            words = words_of(doc) if doc is not None else []
            text = doc.text if doc is not None else ""
            # Spelling repair makes is_known_word costly: one pass over the words.
            is_known = functools.cache(normalizer.is_known_word)
            share = known_share(words, is_known)
            english = reads_as_english(text, words, is_known, normalizer.repair)
            readability: dict[str, Any] = {"has_words": bool(words), "english": english}
            contact = None if words else mentioned_contact_kind(str(message.get(TEXT)))
            if contact:
                readability[CONTACT_DETAILS] = contact
            message.set(READABILITY, readability, add_to_output=True)
            if contact:
                put_intent_on_top(message, INFORM)
            elif not english or share < UNCLEAR_SHARE:
                put_intent_on_top(message, FALLBACK_INTENT)
        return messages
