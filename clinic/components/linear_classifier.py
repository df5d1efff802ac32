"""Intent and FAQ-answer classifier: n-gram features and a calibrated linear SVM.

One scikit-learn model labels a message with its full intent (``greet``,
``faq/cost``, ``out_of_scope/medical_advice``). It replaces DIET and the two
response selectors: on the held-out set it is more accurate, it trains in
seconds instead of minutes, and it answers in about a millisecond without
TensorFlow (docs/nlu.md and docs/performance.md show the measurements).

The parse result keeps Rasa's shape, so rules, ``utter_faq`` and the clinic's
quality checks work unchanged: ``intent`` is the base intent (``faq``), and each
retrieval intent gets a ``response_selector`` entry naming the chosen answer
(parse_result.py). The scikit-learn model is built and stored by linear_model.py
and scored one message at a time by fast_scoring.py.
The text classified is the spaCy pipeline's normalised form (lemmas, typos
repaired, figurative death words neutral), so "side affects" and "side effects"
look alike to the model, and "this wait is killing me" does not look like a
crisis.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    SPACY_DOCS,
)
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_RANKING_KEY,
    METADATA,
    METADATA_INTENT,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import dump_obj_as_json_to_file, read_json_file
from sklearn.pipeline import Pipeline
from spacy.tokens import Doc, Token

from clinic.components.fast_scoring import MessageScorer
from clinic.components.linear_model import (
    TRUSTED_TYPES,
    build_classifier,
    build_model,
    feature_matrix,
    give_vocabularies,
    take_vocabularies,
)
from clinic.components.other_questions import (
    OTHER_QUESTIONS,
    QUESTION_SEGMENTS,
    SEGMENT_EMBEDDINGS,
    other_questions,
)
from clinic.components.parse_result import (
    RESPONSE_KEY_SEPARATOR,
    answers_within_topics,
    intent_ranking,
    ranked,
    retrieval_intents_of,
    selector_entry,
)
from clinic.components.sentence_encoder import SENTENCE_EMBEDDING
from clinic.intent_names import topic_of
from clinic.nlp.figurative import BEREAVEMENT_LEMMA, IDIOM_LEMMA
from clinic.nlp.normalizer import READ_AS

logger = logging.getLogger(__name__)

MODEL_FILE = "classifier.skops"
RESPONSES_FILE = "responses.json"
# The n-gram vocabularies, kept out of the skops file: skops writes each entry as
# a typed JSON object (20 MB for 29,000 n-grams), and reading that back was the
# largest memory peak of the server's start (docs/performance.md).
VOCABULARIES_FILE = "vocabularies.json"
ANSWERS_FILE = "answers.skops"
SETTINGS_FILE = "settings.json"
NEUTRAL_LEMMAS = frozenset({IDIOM_LEMMA, BEREAVEMENT_LEMMA})


def normalised_text(doc: Doc) -> str:
    """The words as the project's spaCy pipeline reads them: lower case, misspelt
    key words repaired, figurative death words neutral ("the death of me" →
    "the idiom of me"), so the classifier does not learn every "die" as crisis.

    (Lemmas everywhere were measured too: more false crisis alarms.)
    """
    return " ".join(classifier_word(token) for token in doc if not token.is_space)


def classifier_word(token: Token) -> str:
    if token.lemma_ in NEUTRAL_LEMMAS:
        return token.lemma_
    return token._.get(READ_AS) or token.norm_


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
    is_trainable=True,
    model_from="SpacyNLP",
)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Labels intents, FAQ topics and their answers with calibrated linear models."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "char_ngram_range": [2, 5],
            "word_ngram_range": [1, 2],
            "model": "svm",
            "C": 1.0,
            "calibration_folds": 5,
            "random_seed": 1,
            # How much the sentence embedding (SentenceEncoder, when in the
            # pipeline) counts beside the n-grams; 0 ignores it.
            "embedding_weight": 1.0,
            # How much an example counts in training, by the "source" in its
            # intent's metadata (data/real/visitors.yml marks real visitors'
            # messages); examples of any other source count 1.
            "source_weights": {},
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "skops"]

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Pipeline | None = None,
        responses: dict[str, Any] | None = None,
        answers: Any = None,
        embedding_weight: float = 0.0,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._responses = responses or {}
        self._use(model, answers, embedding_weight)

    def _use(self, model: Pipeline | None, answers: Any, weight: float) -> None:
        self._model = model
        self._answers = answers
        self._embedding_weight = weight
        self._retrieval_intents = retrieval_intents_of(model)
        self._scorer = (
            MessageScorer(model, answers, weight) if model is not None else None
        )

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData, model: SpacyModel) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(TEXT)]
        texts = [self._text_of(example, model) for example in examples]
        labels = np.array([example.get_full_intent() for example in examples])
        embeddings = embeddings_of(examples)
        weight = self._config["embedding_weight"] if embeddings is not None else 0.0
        topic_model = build_model(self._config)
        features = feature_matrix(topic_model, texts, embeddings, weight, fit=True)
        topics = np.array([topic_of(label) for label in labels])
        weights = training_weights(examples, self._config["source_weights"])
        topic_model.steps[-1][1].fit(features, topics, sample_weight=weights)
        answers = self._train_answers(features, labels, weights)
        self._use(topic_model, answers, weight)
        self._responses = {
            name: responses
            for name, responses in training_data.responses.items()
            if RESPONSE_KEY_SEPARATOR in name
        }
        self.persist()
        return self._resource

    def _train_answers(
        self, features: Any, labels: np.ndarray, weights: np.ndarray
    ) -> Any:
        """The second stage: which answer of a topic, trained on the examples of
        topics that hold several answers (None when no topic does)."""
        rows = np.array([topic_of(label) != label for label in labels])
        if len(set(labels[rows])) < 2:
            return None
        answers = build_classifier(self._config)
        answers.fit(features[rows], labels[rows], sample_weight=weights[rows])
        return answers

    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        if self._scorer is None:
            return messages
        for message in messages:
            # Empty messages are labelled too (with low confidence): the
            # fallback classifier and the readability check expect an intent.
            answered = self._label(message, self._text_of(message, model))
            self._read_other_questions(message, model, answered)
        return messages

    def _answer_labels(self) -> list[str]:
        if self._answers is None:
            return []
        return [str(label) for label in self._answers.classes_]

    def _label(self, message: Message, text: str) -> str:
        """Sets the intent, its ranking and the answers; returns the answer
        chosen (the top label's best answer, or the label itself)."""
        embedding = message.get(SENTENCE_EMBEDDING) if self._embedding_weight else None
        ranking, answers = self._scored(text, embedding)
        intents = intent_ranking(ranking)
        message.set(INTENT, intents[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, intents, add_to_output=True)
        selectors = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
        selectors[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = self._retrieval_intents
        for retrieval_intent in self._retrieval_intents:
            selectors[retrieval_intent] = selector_entry(
                ranking, retrieval_intent, self._responses, answers
            )
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selectors, add_to_output=True)
        return best_answer_of(ranking[0][0], answers)

    def _scored(
        self, text: str, embedding: np.ndarray | None
    ) -> tuple[list[tuple[str, float]], dict[str, list[tuple[str, float]]]]:
        """The labels, likeliest first, and each topic's answers, best first."""
        assert self._model is not None and self._scorer is not None
        scores = self._scorer.scores(text, embedding)
        ranking = ranked((str(label) for label in self._model.classes_), scores.topics)
        return ranking, answers_within_topics(self._answer_labels(), scores.answers)

    def _best_answer(
        self, text: str, embedding: np.ndarray | None
    ) -> tuple[str, float]:
        """The best answer of the likeliest label, and that label's probability."""
        ranking, answers = self._scored(text, embedding)
        label, confidence = ranking[0]
        return best_answer_of(label, answers), confidence

    def _read_other_questions(
        self, message: Message, model: SpacyModel, answered: str
    ) -> None:
        """Each clause of a message that asks several things, read on its own
        (clinic/components/other_questions.py)."""
        segments = message.get(QUESTION_SEGMENTS)
        if not segments:
            return
        embeddings = message.get(SEGMENT_EMBEDDINGS) if self._embedding_weight else None
        readings = []
        docs = model.model.pipe(segments)
        for index, (segment, doc) in enumerate(zip(segments, docs, strict=True)):
            embedding = embeddings[index] if embeddings is not None else None
            readings.append(
                (segment, *self._best_answer(normalised_text(doc), embedding))
            )
        found = other_questions(readings, answered)
        if found:
            message.set(OTHER_QUESTIONS, found, add_to_output=True)

    @staticmethod
    def _text_of(message: Message, model: SpacyModel) -> str:
        doc = message.get(SPACY_DOCS[TEXT])
        if doc is None:
            doc = model.model(str(message.get(TEXT) or ""))
        return normalised_text(doc)

    def persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as directory:
            trained = self._model is not None
            vocabularies = take_vocabularies(self._model) if trained else []
            try:
                sio.dump(self._model, directory / MODEL_FILE)
            finally:
                if trained:
                    give_vocabularies(self._model, vocabularies)
            if self._answers is not None:
                sio.dump(self._answers, directory / ANSWERS_FILE)
            dump_obj_as_json_to_file(directory / VOCABULARIES_FILE, vocabularies)
            dump_obj_as_json_to_file(directory / RESPONSES_FILE, self._responses)
            dump_obj_as_json_to_file(
                directory / SETTINGS_FILE, {"embedding_weight": self._embedding_weight}
            )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as directory:
                model = sio.load(directory / MODEL_FILE, trusted=TRUSTED_TYPES)
                # Models stored before the vocabularies had a file of their own
                # keep them inside.
                if model is not None and (directory / VOCABULARIES_FILE).is_file():
                    give_vocabularies(
                        model, read_json_file(directory / VOCABULARIES_FILE)
                    )
                answers = None
                if (directory / ANSWERS_FILE).is_file():
                    answers = sio.load(directory / ANSWERS_FILE, trusted=TRUSTED_TYPES)
                settings = {}
                if (directory / SETTINGS_FILE).is_file():
                    settings = read_json_file(directory / SETTINGS_FILE)
                responses = read_json_file(directory / RESPONSES_FILE)
        except ValueError:
            logger.warning("No trained intent classifier in %s.", resource.name)
            return cls(config, model_storage, resource)
        weight = float(settings.get("embedding_weight", 0.0))
        return cls(config, model_storage, resource, model, responses, answers, weight)


def best_answer_of(label: str, answers: dict[str, list[tuple[str, float]]]) -> str:
    """A topic's best answer (``faq/safety.addiction``), or the label itself
    when it holds no answers."""
    return answers[label][0][0] if label in answers else label


def embeddings_of(examples: list[Message]) -> np.ndarray | None:
    """The examples' sentence embeddings, or None unless every one has one."""
    embeddings = [example.get(SENTENCE_EMBEDDING) for example in examples]
    if not embeddings or any(e is None for e in embeddings):
        return None
    return np.asarray(embeddings, dtype=np.float64)


def training_weights(
    examples: list[Message], source_weights: dict[str, float]
) -> np.ndarray:
    """Each example's weight: its source's (intent metadata ``source``), else 1.

    Real visitors' messages count more than written ones: they are how visitors
    actually put things (docs/nlu.md, "Real visitors' messages weighted")."""
    return np.array(
        [float(source_weights.get(source_of(e), 1.0)) for e in examples],
        dtype=np.float64,
    )


def source_of(example: Message) -> str:
    metadata = example.get(METADATA) or {}
    intent_metadata = metadata.get(METADATA_INTENT)
    if not isinstance(intent_metadata, dict):
        return ""
    return str(intent_metadata.get("source") or "")
