"""Intent and FAQ-answer classifier: n-gram features and a calibrated linear SVM.

One scikit-learn model labels a message with its full intent (``greet``,
``faq/cost``, ``out_of_scope/medical_advice``). It replaces DIET and the two
response selectors: on the held-out set it is more accurate, it trains in
seconds instead of minutes, and it answers in about a millisecond without
TensorFlow (docs/nlu.md and docs/performance.md show the measurements).

The parse result keeps Rasa's shape, so rules, ``utter_faq`` and the clinic's
quality checks work unchanged: ``intent`` is the base intent (``faq``), and each
retrieval intent gets a ``response_selector`` entry naming the chosen answer.
The text classified is the spaCy pipeline's normalised form (lemmas, typos
repaired, figurative death words neutral), so "side affects" and "side effects"
look alike to the model, and "this wait is killing me" does not look like a
crisis.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
    SPACY_DOCS,
)
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import dump_obj_as_json_to_file, read_json_file
from scipy.special import expit
from sklearn.pipeline import Pipeline
from spacy.tokens import Doc

from clinic.components.sentence_encoder import SENTENCE_EMBEDDING
from clinic.intent_names import topic_of
from clinic.nlp.figurative import BEREAVEMENT_LEMMA, IDIOM_LEMMA

logger = logging.getLogger(__name__)

MODEL_FILE = "classifier.skops"
RESPONSES_FILE = "responses.json"
# The n-gram vocabularies, kept out of the skops file: skops writes each entry as
# a typed JSON object (20 MB for 29,000 n-grams), and reading that back was the
# largest memory peak of the server's start (docs/performance.md).
VOCABULARIES_FILE = "vocabularies.json"
RESPONSE_KEY_SEPARATOR = "/"
ANSWER_RANKING_KEY = "answer_ranking"
ANSWERS_FILE = "answers.skops"
SETTINGS_FILE = "settings.json"
NEUTRAL_LEMMAS = frozenset({IDIOM_LEMMA, BEREAVEMENT_LEMMA})
# Types beyond skops' defaults a stored classifier holds; others are refused.
TRUSTED_TYPES = [
    "scipy.sparse._csr.csr_matrix",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
]


def normalised_text(doc: Doc) -> str:
    """The words as the project's spaCy pipeline reads them: lower case, misspelt
    key words repaired, figurative death words neutral ("the death of me" →
    "the idiom of me"), so the classifier does not learn every "die" as crisis.

    (Lemmas everywhere were measured too: more false crisis alarms.)
    """
    return " ".join(
        token.lemma_ if token.lemma_ in NEUTRAL_LEMMAS else token.norm_
        for token in doc
        if not token.is_space
    )


def base_intent(label: str) -> str:
    return label.split(RESPONSE_KEY_SEPARATOR, 1)[0]


def build_classifier(config: dict[str, Any]) -> Any:
    """A linear SVM with probabilities (Platt), or the logistic baseline."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import LinearSVC

    if config["model"] == "logistic":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(
            C=config["C"], max_iter=5000, random_state=config["random_seed"]
        )
    svm = LinearSVC(C=config["C"], random_state=config["random_seed"])
    # One SVM trained on all examples; the folds only fit its calibration,
    # so answering costs one model, not one per fold.
    return CalibratedClassifierCV(
        svm, method="sigmoid", cv=config["calibration_folds"], ensemble=False
    )


def build_model(config: dict[str, Any]) -> Pipeline:
    """Word and character n-grams, then the classifier."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline, make_union

    words = TfidfVectorizer(
        ngram_range=tuple(config["word_ngram_range"]),
        sublinear_tf=True,
        token_pattern=r"(?u)\b\w+\b",
    )
    characters = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=tuple(config["char_ngram_range"]),
        sublinear_tf=True,
    )
    return make_pipeline(make_union(characters, words), build_classifier(config))


def vectorizers(model: Pipeline) -> list[Any]:
    """The pipeline's TF-IDF vectorizers, in order."""
    return [transformer for _, transformer in model[0].transformer_list]


def take_vocabularies(model: Pipeline) -> list[dict[str, int]]:
    """Removes each vectorizer's vocabulary from the model and returns them."""
    taken = []
    for vectorizer in vectorizers(model):
        taken.append(
            {term: int(index) for term, index in vectorizer.vocabulary_.items()}
        )
        del vectorizer.vocabulary_
    return taken


def give_vocabularies(model: Pipeline, vocabularies: list[dict[str, int]]) -> None:
    for vectorizer, vocabulary in zip(vectorizers(model), vocabularies, strict=True):
        vectorizer.vocabulary_ = vocabulary


@dataclass(frozen=True)
class TfidfTerms:
    """What one fitted ``TfidfVectorizer`` needs to weigh a text's n-grams.

    Read once: scikit-learn recomputes ``idf_`` from a sparse diagonal matrix on
    every access, which was 5% of the Rasa server's CPU (docs/performance.md).
    """

    vocabulary: dict[str, int]
    analyze: Callable[[str], list[str]]
    idf: np.ndarray
    sublinear_tf: bool

    @classmethod
    def of(cls, vectorizer: Any) -> TfidfTerms | None:
        """None for a vectorizer whose weighting is not l2-normalised TF-IDF."""
        if vectorizer.binary or not vectorizer.use_idf or vectorizer.norm != "l2":
            return None
        return cls(
            vectorizer.vocabulary_,
            vectorizer.build_analyzer(),
            vectorizer.idf_,
            vectorizer.sublinear_tf,
        )

    def entries(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Columns and values of the text's l2-normalised TF-IDF row."""
        counts: dict[int, int] = {}
        for term in self.analyze(text):
            column = self.vocabulary.get(term)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        columns = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
        tf = np.fromiter(
            (counts[c] for c in columns), dtype=np.float64, count=len(counts)
        )
        if self.sublinear_tf:
            tf = np.log(tf) + 1
        weights = tf * self.idf[columns]
        norm = np.sqrt(np.dot(weights, weights))
        return columns, (weights / norm if norm else weights)


def message_entries(
    terms: list[TfidfTerms], text: str
) -> tuple[np.ndarray, np.ndarray]:
    """Columns and values of the row the vectorizers' ``transform([text])`` would
    give, side by side.

    Built directly from the n-gram counts: scikit-learn's ``transform`` and
    ``hstack`` validate and convert sparse matrices several times, which for
    one short message cost more than counting its n-grams (docs/performance.md).
    """
    columns: list[np.ndarray] = []
    values: list[np.ndarray] = []
    offset = 0
    for each in terms:
        column, value = each.entries(text)
        columns.append(column + offset)
        values.append(value)
        offset += len(each.idf)
    return np.concatenate(columns), np.concatenate(values)


def with_embedding(
    entries: tuple[np.ndarray, np.ndarray],
    embedding: np.ndarray | None,
    offset: int,
    weight: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The n-gram entries followed by the weighted sentence embedding's columns."""
    if embedding is None or not weight:
        return entries
    columns, values = entries
    dense_columns = np.arange(offset, offset + len(embedding), dtype=np.int64)
    return (
        np.concatenate([columns, dense_columns]),
        np.concatenate([values, weight * np.asarray(embedding, dtype=np.float64)]),
    )


def feature_matrix(
    model: Pipeline,
    texts: list[str],
    embeddings: np.ndarray | None,
    weight: float,
    fit: bool = False,
) -> Any:
    """The classifier's input: n-gram TF-IDF, then the weighted embeddings."""
    union = model[0]
    grams = union.fit_transform(texts) if fit else union.transform(texts)
    return beside_embeddings(grams, embeddings, weight)


def beside_embeddings(grams: Any, embeddings: np.ndarray | None, weight: float) -> Any:
    from scipy.sparse import csr_matrix, hstack

    if embeddings is None or not weight:
        return grams.tocsr()
    return hstack([grams, csr_matrix(weight * embeddings)]).tocsr()


@dataclass(frozen=True)
class SigmoidCalibratedLinearModel:
    """A ``CalibratedClassifierCV`` of one linear model with sigmoid calibration,
    as plain arrays: its ``predict_proba`` for one sparse row, without the
    checks and label encoding scikit-learn repeats on every call."""

    weights: np.ndarray  # features x the model's classes
    intercept: np.ndarray
    slope: np.ndarray  # each class's calibration: expit(-(slope * d + offset))
    offset: np.ndarray
    positions: np.ndarray  # where each of the model's classes goes in the output
    n_classes: int

    @classmethod
    def of(cls, classifier: Any) -> SigmoidCalibratedLinearModel | None:
        """None for any other kind of classifier (scikit-learn's own path then)."""
        from sklearn.calibration import CalibratedClassifierCV, _SigmoidCalibration
        from sklearn.preprocessing import LabelEncoder

        if not isinstance(classifier, CalibratedClassifierCV):
            return None
        if len(classifier.calibrated_classifiers_) != 1:
            return None
        calibrated = classifier.calibrated_classifiers_[0]
        model = calibrated.base_estimator
        calibrators = calibrated.calibrators
        sigmoid = all(isinstance(c, _SigmoidCalibration) for c in calibrators)
        n_classes = len(calibrated.classes)
        if not sigmoid or n_classes <= 2 or not hasattr(model, "coef_"):
            return None
        return cls(
            weights=np.ascontiguousarray(model.coef_.T),
            intercept=np.asarray(model.intercept_, dtype=np.float64),
            slope=np.array([c.a_ for c in calibrators]),
            offset=np.array([c.b_ for c in calibrators]),
            positions=LabelEncoder().fit(calibrated.classes).transform(model.classes_),
            n_classes=n_classes,
        )

    def probabilities(self, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
        """As ``_CalibratedClassifier.predict_proba`` computes them."""
        decision = values @ self.weights[columns] + self.intercept
        proba = np.zeros(self.n_classes)
        proba[self.positions] = expit(-(self.slope * decision + self.offset))
        total = proba.sum()
        if total == 0:
            return np.full(self.n_classes, 1 / self.n_classes)
        proba /= total
        proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
        return proba


@dataclass(frozen=True)
class Scores:
    """One message's probabilities: over the topic model's labels and, when the
    model has answers, over the answer model's labels."""

    topics: np.ndarray
    answers: np.ndarray | None


class MessageScorer:
    """``predict_proba`` for one message at a time, fast.

    For one message scikit-learn's pipeline machinery (joblib dispatch, fitted
    checks, sparse conversions, label encoding) cost several times the
    arithmetic; the fitted numbers are read once here instead. A model of
    another shape (the logistic baseline) goes through scikit-learn.
    """

    def __init__(
        self, model: Pipeline, answers: Any = None, embedding_weight: float = 0.0
    ) -> None:
        self._model = model
        self._answers = answers
        self._weight = embedding_weight
        self._n_classes = len(model.classes_)
        terms = [TfidfTerms.of(vectorizer) for vectorizer in vectorizers(model)]
        self._terms = None if None in terms else cast(list[TfidfTerms], terms)
        self._offset = sum(len(t.idf) for t in self._terms or [])
        self._linear = SigmoidCalibratedLinearModel.of(model.steps[-1][1])
        self._answer_linear = (
            SigmoidCalibratedLinearModel.of(answers) if answers is not None else None
        )
        self._fast = (
            self._terms is not None
            and self._linear is not None
            and (answers is None or self._answer_linear is not None)
        )

    def scores(self, text: str, embedding: np.ndarray | None = None) -> Scores:
        if not self._fast:
            return self._through_scikit_learn(text, embedding)
        assert self._terms is not None and self._linear is not None
        columns, values = message_entries(self._terms, text)
        if len(columns) == 0:
            return self._uniform()
        columns, values = with_embedding(
            (columns, values), embedding, self._offset, self._weight
        )
        answers = None
        if self._answer_linear is not None:
            answers = self._answer_linear.probabilities(columns, values)
        return Scores(self._linear.probabilities(columns, values), answers)

    def probabilities(
        self, text: str, embedding: np.ndarray | None = None
    ) -> np.ndarray:
        return self.scores(text, embedding).topics

    def _through_scikit_learn(self, text: str, embedding: np.ndarray | None) -> Scores:
        grams = self._model[0].transform([text])
        if grams.nnz == 0:
            return self._uniform()
        embeddings = None if embedding is None else np.asarray([embedding])
        features = beside_embeddings(grams, embeddings, self._weight)
        answers = None
        if self._answers is not None:
            answers = self._answers.predict_proba(features)[0]
        return Scores(self._model.steps[-1][1].predict_proba(features)[0], answers)

    def _uniform(self) -> Scores:
        """Not one known n-gram: no evidence for any label."""
        answers = None
        if self._answers is not None:
            count = len(self._answers.classes_)
            answers = np.full(count, 1 / count)
        return Scores(np.full(self._n_classes, 1 / self._n_classes), answers)


def ranked(labels: Iterable[str], probabilities: np.ndarray) -> list[tuple[str, float]]:
    pairs = zip(labels, (float(p) for p in probabilities), strict=True)
    return sorted(pairs, key=lambda pair: pair[1], reverse=True)


def intent_ranking(ranking: list[tuple[str, float]]) -> list[dict[str, Any]]:
    """One entry per base intent, with its best full label's probability.

    ``faq`` is as certain as its likeliest answer: probability spread over
    several answers means the assistant does not know which one to give.
    """
    best: dict[str, float] = {}
    for label, probability in ranking:
        best.setdefault(base_intent(label), probability)
    return [
        {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
        for name, confidence in list(best.items())[:LABEL_RANKING_LENGTH]
    ]


def retrieval_intents_of(model: Pipeline | None) -> list[str]:
    """``faq`` and ``out_of_scope``: the intents whose labels name an answer."""
    labels = [str(label) for label in model.classes_] if model is not None else []
    return sorted(
        {base_intent(label) for label in labels if RESPONSE_KEY_SEPARATOR in label}
    )


def answers_within_topics(
    labels: list[str], probabilities: np.ndarray | None
) -> dict[str, list[tuple[str, float]]]:
    """Each topic's answers, best first, their probabilities summing to one
    within the topic (the answer model scores all topics' answers at once)."""
    if probabilities is None:
        return {}
    grouped: dict[str, list[tuple[str, float]]] = {}
    for label, probability in zip(labels, probabilities, strict=True):
        grouped.setdefault(topic_of(label), []).append((label, float(probability)))
    within = {}
    for topic, answers in grouped.items():
        total = sum(p for _, p in answers) or 1.0
        within[topic] = sorted(
            ((label, p / total) for label, p in answers),
            key=lambda pair: pair[1],
            reverse=True,
        )
    return within


def selector_entry(
    ranking: list[tuple[str, float]],
    retrieval_intent: str,
    responses: dict[str, Any],
    answers: dict[str, list[tuple[str, float]]] | None = None,
) -> dict[str, Any]:
    """The ``response_selector`` entry Rasa's ResponseSelector would write.

    A topic with several answers names its best answer for this message
    (``faq/safety.addiction``); ``answer_ranking`` keeps every topic's answers
    in order, so a follow-up can be answered within the previous topic
    (clinic/follow_up.py).
    """
    answers = answers or {}

    def best_answer(topic: str) -> str:
        return answers[topic][0][0] if topic in answers else topic

    topics = [
        (label, probability)
        for label, probability in ranking
        if base_intent(label) == retrieval_intent and label != retrieval_intent
    ]
    key, confidence = best_answer(topics[0][0]), topics[0][1]
    utter_action = f"utter_{key}"
    entry = {
        RESPONSE_SELECTOR_PREDICTION_KEY: {
            RESPONSE_SELECTOR_RESPONSES_KEY: responses.get(utter_action) or [],
            PREDICTED_CONFIDENCE_KEY: confidence,
            INTENT_RESPONSE_KEY: key,
            RESPONSE_SELECTOR_UTTER_ACTION_KEY: utter_action,
        },
        RESPONSE_SELECTOR_RANKING_KEY: [
            {INTENT_RESPONSE_KEY: best_answer(label), PREDICTED_CONFIDENCE_KEY: p}
            for label, p in topics[:LABEL_RANKING_LENGTH]
        ],
    }
    in_this_intent = {
        topic: [[label, round(p, 4)] for label, p in ranked_answers]
        for topic, ranked_answers in answers.items()
        if base_intent(topic) == retrieval_intent
    }
    if in_this_intent:
        entry[ANSWER_RANKING_KEY] = in_this_intent
    return entry


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
        topic_model.steps[-1][1].fit(features, topics)
        self._use(topic_model, self._train_answers(features, labels), weight)
        self._responses = {
            name: responses
            for name, responses in training_data.responses.items()
            if RESPONSE_KEY_SEPARATOR in name
        }
        self.persist()
        return self._resource

    def _train_answers(self, features: Any, labels: np.ndarray) -> Any:
        """The second stage: which answer of a topic, trained on the examples of
        topics that hold several answers (None when no topic does)."""
        rows = np.array([topic_of(label) != label for label in labels])
        if len(set(labels[rows])) < 2:
            return None
        answers = build_classifier(self._config)
        answers.fit(features[rows], labels[rows])
        return answers

    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        if self._scorer is None:
            return messages
        for message in messages:
            # Empty messages are labelled too (with low confidence): the
            # fallback classifier and the readability check expect an intent.
            self._label(message, self._text_of(message, model))
        return messages

    def _label(self, message: Message, text: str) -> None:
        assert self._model is not None and self._scorer is not None
        embedding = message.get(SENTENCE_EMBEDDING) if self._embedding_weight else None
        scores = self._scorer.scores(text, embedding)
        ranking = ranked((str(label) for label in self._model.classes_), scores.topics)
        answer_labels = (
            [str(label) for label in self._answers.classes_]
            if self._answers is not None
            else []
        )
        answers = answers_within_topics(answer_labels, scores.answers)
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


def embeddings_of(examples: list[Message]) -> np.ndarray | None:
    """The examples' sentence embeddings, or None unless every one has one."""
    embeddings = [example.get(SENTENCE_EMBEDDING) for example in examples]
    if not embeddings or any(e is None for e in embeddings):
        return None
    return np.asarray(embeddings, dtype=np.float64)
