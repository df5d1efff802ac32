"""Sentence meaning for the classifier: a MiniLM embedding of each message.

N-grams only know the words they were trained on; real visitors use others.
This component adds a pretrained sentence embedding (clinic/nlp/encoder.py,
verified weights, numpy) to every message, which the intent classifier reads
beside its n-grams (docs/nlu.md measures both with and without it).

The embedding is a message property, not part of the parse result.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from clinic.components.other_questions import QUESTION_SEGMENTS, SEGMENT_EMBEDDINGS
from clinic.nlp.embedding_cache import cache_path, encode_with_cache
from clinic.nlp.encoder import MiniLM

SENTENCE_EMBEDDING = "sentence_embedding"


def text_of(message: Message) -> str:
    return str(message.get(TEXT) or "")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class SentenceEncoder(GraphComponent):
    """Sets ``sentence_embedding`` (384 floats, unit length) on each message."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @staticmethod
    def required_packages() -> list[str]:
        return ["tokenizers", "safetensors"]

    def __init__(self, encoder: MiniLM) -> None:
        self._encoder = encoder

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoder:
        return cls(MiniLM.load())

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        examples = [m for m in training_data.training_examples if m.get(TEXT)]
        texts = [text_of(m) for m in examples]
        # Retraining after a staff edit encodes only the new examples.
        embeddings = encode_with_cache(self._encoder, texts, cache_path())
        for message, embedding in zip(examples, embeddings, strict=True):
            message.set(SENTENCE_EMBEDDING, embedding)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            message.set(SENTENCE_EMBEDDING, self._encoder.encode_one(text_of(message)))
            # The clauses of a message that asks several things (at most four).
            segments = message.get(QUESTION_SEGMENTS)
            if segments:
                message.set(SEGMENT_EMBEDDINGS, self._encoder.encode(segments))
        return messages
