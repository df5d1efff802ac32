"""First component of the NLU pipeline: make any visitor input safe to classify.

Visitors paste HTML, send emoji, control characters or 50,000 characters. The
classifier only needs a clean, bounded piece of text; the full text is kept in
``full_text`` so the crisis detector can still read all of it.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from clinic.limits import MAX_MESSAGE_CHARS

FULL_TEXT = "full_text"
MAX_CLASSIFIED_CHARS_KEY = "max_classified_chars"
CLINIC_PACKAGE = Path(__file__).resolve().parents[1]

# Every pattern here is linear in the text's length: each can start at a given
# place only once and scans a bounded stretch or up to the next "<" or boundary
# (tests/clinic/components/test_linear_patterns.py times them on adversarial
# input of the maximum size). The "[^<>]" keeps "<<<<..." from rescanning.
_TAG = re.compile(r"<[^<>]{0,500}>")
_CODE_OPENING = re.compile(r"<(script|style)\b[^<>]{0,500}>", re.IGNORECASE)
_CODE_CLOSING = {
    name: re.compile(rf"</{name}\s{{0,50}}>", re.IGNORECASE)
    for name in ("script", "style")
}
_WHITESPACE = re.compile(r"\s+")
# spaCy's tokenizer strips a word's prefixes and suffixes one at a time, copying
# the rest each time: quadratic in a word's length (64,000 "?" took over a
# minute). No real word is this long; longer runs are cut into pieces.
MAX_WORD_CHARS = 60
_OVERLONG_WORD_PIECE = re.compile(rf"\S{{{MAX_WORD_CHARS}}}(?=\S)")
# Every symbol becomes a token of its own: 64,000 "?!" would be 64,000 tokens for
# the crisis matcher. A run of symbols ("????", "!!!!!!") keeps its first three.
_SYMBOL_RUN = re.compile(r"[^\w\s]{4,}")
# Sentence punctuation at a word's end ("safe?" / "safe"): visitors on phones often
# leave it out, so it must not change the classification. "1.5" and URLs keep theirs.
# The look-behind starts a match only at the beginning of a run, so a long run
# not followed by a space is scanned once, not once per character.
_SENTENCE_PUNCTUATION = re.compile(r"(?<![?!.,;:…])[?!.,;:…]+(?=\s|$)")


def without_code_blocks(text: str) -> str:
    """Drops <script>…</script> and <style>…</style> blocks in one pass.

    An opening tag with no closing one is dropped alone and the words after it
    are kept (they may be what the visitor meant to say). Once a closing tag is
    known to be absent after some place, it is not searched for again, so many
    unclosed tags cost one scan, not one each.
    """
    kept: list[str] = []
    position = 0
    no_closing_after: dict[str, int] = {}
    for opening in _CODE_OPENING.finditer(text):
        if opening.start() < position:
            continue  # inside a block already dropped
        name = opening.group(1).lower()
        closing = None
        if opening.end() < no_closing_after.get(name, len(text) + 1):
            closing = _CODE_CLOSING[name].search(text, opening.end())
            if closing is None:
                no_closing_after[name] = opening.end()
        kept.append(text[position : opening.start()])
        kept.append(" ")
        position = closing.end() if closing else opening.end()
    kept.append(text[position:])
    return "".join(kept)


def strip_markup(text: str) -> str:
    """Remove HTML tags (and script/style bodies), keeping the visible words."""
    return html.unescape(_TAG.sub(" ", without_code_blocks(text)))


def remove_control_characters(text: str) -> str:
    """Drop control/format characters (NUL, escape codes, zero-width joiners)."""
    return "".join(
        char if char.isspace() or unicodedata.category(char)[0] != "C" else " "
        for char in text
    )


def clean_text(text: str) -> str:
    """NFKC-normalised, markup-free, single-spaced text."""
    normalised = unicodedata.normalize("NFKC", text)
    visible = remove_control_characters(strip_markup(normalised))
    visible = _SYMBOL_RUN.sub(lambda run: run.group()[:3], visible)
    spaced = _WHITESPACE.sub(" ", _SENTENCE_PUNCTUATION.sub(" ", visible)).strip()
    return _OVERLONG_WORD_PIECE.sub(r"\g<0> ", spaced)


def feature_code_fingerprint() -> str:
    """Hash of the code that shapes training features: this module and the spaCy
    pipeline's. Rasa's cache fingerprints configs, not code, and SpacyNLP's
    fingerprint is only the model's name; every feature flows through this
    component first, so adding this hash to its fingerprint retrains whatever
    such a code change affects."""
    digest = hashlib.sha256()
    for path in [Path(__file__), *sorted((CLINIC_PACKAGE / "nlp").glob("*.py"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def bounded(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary where possible."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class InputSanitizer(GraphComponent):
    """Cleans and bounds message text before spaCy and the classifiers see it."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {MAX_CLASSIFIED_CHARS_KEY: 1000}

    def __init__(self, config: dict[str, Any]) -> None:
        self._limit = int(config[MAX_CLASSIFIED_CHARS_KEY])

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return feature_code_fingerprint()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> InputSanitizer:
        return cls(config)

    def sanitize(self, message: Message) -> None:
        raw = message.get(TEXT)
        if not isinstance(raw, str):
            return
        # The channels refuse longer messages; /model/parse and other callers
        # are cut here, before any pattern runs, so work per message is bounded
        # (and spaCy's 1,000,000-character limit is never reached).
        cleaned = clean_text(raw[:MAX_MESSAGE_CHARS])
        classified = bounded(cleaned, self._limit)
        if classified != raw:
            message.set(FULL_TEXT, cleaned, add_to_output=False)
            message.set(TEXT, classified)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self.sanitize(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self.sanitize(example)
        return training_data
