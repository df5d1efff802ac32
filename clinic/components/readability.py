"""Tells the fallback what kind of message it could not understand.

A message in another language, or with no words at all (emoji, binary junk),
deserves a different polite answer than an English question on an unknown
topic. This component adds ``readability`` to the parse result:
``{"has_words": bool, "english": bool}``.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.tokens import Doc

READABILITY = "readability"
# Share of a message's words that must be common English words.
ENGLISH_SHARE = 0.5


def words_of(doc: Doc) -> list[str]:
    return [token.lower_ for token in doc if token.is_alpha]


def is_latin(word: str) -> bool:
    return all("a" <= char <= "z" for char in word)


def looks_english(words: list[str], is_common_word: Any) -> bool:
    latin = [word for word in words if is_latin(word)]
    if len(latin) < len(words) / 2:
        return False
    known = sum(1 for word in latin if is_common_word(word))
    return known >= ENGLISH_SHARE * len(latin)


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
        return cls()

    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        normalizer = model.model.get_pipe("clinic_normalizer")
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            words = words_of(doc) if doc is not None else []
            readability = {
                "has_words": bool(words),
                "english": bool(words)
                and looks_english(words, normalizer.is_common_word),
            }
            message.set(READABILITY, readability, add_to_output=True)
        return messages
