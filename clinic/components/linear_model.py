"""The scikit-learn model behind the intent classifier: word and character
TF-IDF n-grams beside the sentence embedding, a calibrated linear SVM, and the
form it is stored in (vocabularies kept apart from the skops file)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

# Types beyond skops' defaults a stored classifier holds; others are refused.
TRUSTED_TYPES = [
    "scipy.sparse._csr.csr_matrix",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
]


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
