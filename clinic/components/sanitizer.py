"""First component of the NLU pipeline: make any visitor input safe to classify.

Visitors paste HTML, send emoji, control characters or 50,000 characters. The
classifier only needs a clean, bounded piece of text; the full text is kept in
``full_text`` so the crisis detector can still read all of it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from clinic.components.other_questions import QUESTION_SEGMENTS, question_segments
from clinic.limits import MAX_MESSAGE_CHARS
from clinic.text_cleaning import clean_text

FULL_TEXT = "full_text"
MAX_CLASSIFIED_CHARS_KEY = "max_classified_chars"
CLINIC_PACKAGE = Path(__file__).resolve().parents[1]


def feature_code_fingerprint() -> str:
    """Hash of the code that shapes training features: this module, the text
    cleaning and the spaCy pipeline's. Rasa's cache fingerprints configs, not
    code, and SpacyNLP's fingerprint is only the model's name; every feature
    flows through this component first, so adding this hash to its fingerprint
    retrains whatever such a code change affects."""
    digest = hashlib.sha256()
    code = [Path(__file__), CLINIC_PACKAGE / "text_cleaning.py"]
    for path in [*code, *sorted((CLINIC_PACKAGE / "nlp").glob("*.py"))]:
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
            raw = message.get(TEXT)
            # Read before cleaning, which removes the punctuation between them.
            segments = question_segments(raw) if isinstance(raw, str) else []
            if segments:
                message.set(QUESTION_SEGMENTS, segments, add_to_output=False)
            self.sanitize(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self.sanitize(example)
        return training_data
