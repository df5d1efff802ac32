"""One message scored without scikit-learn's per-call machinery.

The fitted numbers (vocabularies, idf, SVM weights, sigmoid calibration) are
read once from the fitted objects, some of them private to scikit-learn
(``_SigmoidCalibration``, ``calibrated_classifiers_``). A model of another shape
goes through scikit-learn itself, and the tests compare both paths' outputs
(tests/clinic/components/test_linear_classifier.py), so a scikit-learn upgrade
that changes these internals fails a test instead of changing answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from scipy.special import expit
from sklearn.pipeline import Pipeline

from clinic.components.linear_model import beside_embeddings, vectorizers


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
