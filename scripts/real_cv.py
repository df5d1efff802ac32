"""Cross-validation on the real questions' *training* part, grouped by site.

Choosing a setting by the held-out real questions would tune on them; this
measures a setting on the training part instead: the real training items are
split into folds by site (as the held-out part was), each fold is left out of
the training data in turn and labelled by a classifier trained on the rest
(written examples included). The held-out part is never read.

It reproduces the shipped classifier outside Rasa (the same text cleaning,
spaCy normalisation, sentence embedding, n-grams, calibrated SVM, fallback at
0.2). Without ``--crisis-detector`` the crisis phrases are not applied, so
crisis figures are the classifier's alone; with it, every left-out message also
goes through the shipped crisis detector (phrases, context, close calls) with
the fold's ranking, as in the running assistant.

    .venv/bin/python scripts/real_cv.py --real-weight 1 3 --C 2
    .venv/bin/python scripts/real_cv.py --crisis-detector
"""

from __future__ import annotations

import argparse
import functools
import itertools
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "research" / "real_questions"))

FALLBACK = 0.2
FOLDS = 5


@dataclass
class Example:
    text: str
    label: str  # full intent: faq/safety.addiction, out_of_scope/unrelated ...
    site: str = ""  # real items only
    kind: str = "written"  # written | question | crisis | benign


def examples() -> list[Example]:
    from split import site  # research/real_questions/split.py

    from clinic.evaluation import normalised, read_training_examples
    from clinic.real_questions import (
        TRAIN,
        crisis_posts,
        one_line,
        questions,
        training_intent,
    )

    real: dict[str, Example] = {}
    for message in questions(TRAIN) + crisis_posts(TRAIN):
        intent = training_intent(message)
        kind = "question"
        if message.set:
            kind = "crisis" if message.is_crisis else "benign"
        real[normalised(one_line(message.text))] = Example(
            one_line(message.text), intent or "", site(message.url), kind
        )
    found: list[Example] = []
    for labelled in read_training_examples(ROOT / "data"):
        key = normalised(labelled.text)
        if key in real:
            continue  # taken from the real sets below, with their site
        found.append(Example(labelled.text, labelled.label))
    # Real items without an intent (generic out_of_scope) are scored, not trained.
    return found + list(real.values())


def features_input(items: list[Example]) -> tuple[list[str], np.ndarray]:
    import spacy

    from clinic.components.linear_classifier import normalised_text
    from clinic.components.sanitizer import bounded
    from clinic.nlp import figurative, normalizer  # noqa: F401
    from clinic.nlp.encoder import MiniLM
    from clinic.text_cleaning import clean_text

    nlp = spacy.load(ROOT / ".spacy" / "clinic_en")
    cleaned = [bounded(clean_text(item.text), 1000) for item in items]
    texts = [normalised_text(doc) for doc in nlp.pipe(cleaned)]
    cache = ROOT / ".rasa" / "real_cv_embeddings.npz"
    embeddings = cached_embeddings(cache, cleaned, MiniLM)
    return texts, embeddings


def cached_embeddings(cache: Path, cleaned: list[str], encoder: Any) -> np.ndarray:
    known: dict[str, np.ndarray] = {}
    if cache.exists():
        stored = np.load(cache, allow_pickle=False)
        known = dict(zip(stored["texts"].tolist(), stored["vectors"], strict=True))
    missing = sorted({text for text in cleaned if text not in known})
    if missing:
        vectors = encoder.load().encode(missing)
        known.update(zip(missing, vectors, strict=True))
        cache.parent.mkdir(exist_ok=True)
        np.savez(
            cache,
            texts=np.array(list(known)),
            vectors=np.array(list(known.values())),
        )
    return np.array([known[text] for text in cleaned], dtype=np.float64)


def fit_predict(
    train: np.ndarray,
    test: np.ndarray,
    texts: list[str],
    embeddings: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray,
    config: dict[str, Any],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from clinic.components.linear_model import build_classifier, build_model
    from clinic.components.linear_model import feature_matrix as matrix
    from clinic.intent_names import topic_of

    model = build_model(config)
    weight = config["embedding_weight"]
    train_texts = [texts[i] for i in train]
    test_texts = [texts[i] for i in test]
    x_train = matrix(model, train_texts, embeddings[train], weight, fit=True)
    x_test = matrix(model, test_texts, embeddings[test], weight)
    topics = np.array([topic_of(label) for label in labels[train]])
    if config.get("knn_weight"):
        x_train, x_test = with_neighbours(
            x_train,
            x_test,
            embeddings[train],
            embeddings[test],
            labels[train],
            config["knn_weight"],
            config.get("knn_level", "topic"),
        )
    model.steps[-1][1].fit(x_train, topics, sample_weight=weights[train])
    probabilities = model.steps[-1][1].predict_proba(x_test)
    classes = model.steps[-1][1].classes_
    if config.get("flat"):
        flat = build_classifier(config)
        flat.fit(x_train, labels[train], sample_weight=weights[train])
        full = flat.predict_proba(x_test)
        summed = np.zeros_like(probabilities)
        index = {str(c): i for i, c in enumerate(classes)}
        for j, label in enumerate(flat.classes_):
            summed[:, index[topic_of(str(label))]] += full[:, j]
        mix = config["flat"]
        probabilities = (1 - mix) * probabilities + mix * summed
    top = probabilities.argmax(1)
    predicted = np.where(
        probabilities.max(1) < FALLBACK, "nlu_fallback", classes[top]
    ).astype(object)
    rows = np.array([topic_of(label) != label for label in labels[train]])
    answers = build_classifier(config)
    answers.fit(x_train[rows], labels[train][rows], sample_weight=weights[train][rows])
    answer = best_answers_within(predicted, answers.predict_proba(x_test), answers)
    return predicted, answer, probabilities, classes


def best_answers_within(
    topics: np.ndarray, probabilities: np.ndarray, answers: Any
) -> np.ndarray:
    """Each message's best answer of its predicted topic, chosen by the shipped
    parse result's own grouping (``answers_within_topics``); the answer model's
    overall best may belong to another topic."""
    from clinic.components.parse_result import answers_within_topics

    keys = [str(key) for key in answers.classes_]
    chosen = answers.classes_[probabilities.argmax(1)].astype(object)
    for i, topic in enumerate(topics):
        within = answers_within_topics(keys, probabilities[i])
        if topic in within:
            chosen[i] = within[topic][0][0]
    return chosen


@functools.cache
def crisis_detector() -> tuple[Any, Any]:
    """The shipped detector, configured as config.yml configures it."""
    import spacy
    import yaml

    from clinic.components.crisis_detector import CrisisDetector

    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    [settings] = [c for c in pipeline if c["name"].endswith("CrisisDetector")]
    options = {k: v for k, v in settings.items() if k != "name"}
    options["phrases_file"] = str(ROOT / options["phrases_file"])
    return CrisisDetector(options), spacy.load(ROOT / ".spacy" / "clinic_en")


def detected(text: str, ranking: list[tuple[str, float]]) -> str:
    """The intent after the crisis detector, given the classifier's ranking."""
    from rasa.nlu.constants import SPACY_DOCS
    from rasa.nlu.utils.spacy_utils import SpacyModel
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from clinic.text_cleaning import clean_text

    detector, nlp = crisis_detector()
    cleaned = clean_text(text)  # the detector reads the whole message
    entries = [{"name": name, "confidence": p} for name, p in ranking]
    message = Message({TEXT: cleaned})
    message.set(SPACY_DOCS[TEXT], nlp(cleaned))
    top = dict(entries[0])
    if top["confidence"] < FALLBACK:
        top = {"name": "nlu_fallback", "confidence": FALLBACK}
    message.set(INTENT, top)
    message.set(INTENT_RANKING_KEY, entries)
    [result] = detector.process([message], SpacyModel(nlp, "clinic_en"))
    return str(result.get(INTENT)["name"])


def through_the_detector(
    items: list[Example],
    rows: np.ndarray,
    predicted: np.ndarray,
    probabilities: np.ndarray,
    classes: np.ndarray,
) -> np.ndarray:
    """``predicted`` as the crisis detector leaves it: crisis where it finds
    risk, the next reading where it does not take the classifier's crisis."""
    after = predicted.copy()
    for i, (row, p) in enumerate(zip(rows, probabilities, strict=True)):
        order = np.argsort(-p)
        ranking = [(str(classes[k]), float(p[k])) for k in order]
        intent = detected(items[row].text, ranking)
        if intent == "crisis" or predicted[i] == "crisis":
            after[i] = intent
    return after


def nearest_by_label(similarities: np.ndarray, columns: list[np.ndarray]) -> np.ndarray:
    return np.stack([similarities[:, c].max(1) for c in columns], axis=1)


def with_neighbours(
    x_train: Any,
    x_test: Any,
    e_train: np.ndarray,
    e_test: np.ndarray,
    labels: np.ndarray,
    weight: float,
    level: str,
) -> tuple[Any, Any]:
    """Beside the features: each label's most similar training example (cosine
    of the sentence embeddings); a training row does not see itself."""
    from scipy.sparse import csr_matrix, hstack

    from clinic.intent_names import topic_of

    keys = np.array([topic_of(x) if level == "topic" else x for x in labels])
    columns = [np.flatnonzero(keys == key) for key in sorted(set(keys))]
    inside = e_train @ e_train.T
    np.fill_diagonal(inside, -1.0)
    near_train = nearest_by_label(inside, columns)
    near_test = nearest_by_label(e_test @ e_train.T, columns)
    return (
        hstack([x_train, csr_matrix(weight * near_train)]).tocsr(),
        hstack([x_test, csr_matrix(weight * near_test)]).tocsr(),
    )


def cross_validate(
    items: list[Example], texts: list[str], embeddings: np.ndarray, args: Any
) -> None:
    from sklearn.model_selection import GroupKFold

    from clinic.evaluation import contract_label

    labels = np.array([item.label for item in items], dtype=object)
    real = np.array([bool(item.site) for item in items])
    trainable = np.array([bool(item.label) for item in items])
    sites = np.array([item.site or "written" for item in items])
    real_rows = np.flatnonzero(real)
    for real_weight in args.real_weight:
        for c in args.C:
            for embedding_weight, knn in itertools.product(
                args.embedding_weight, args.knn_weight
            ):
                config = {
                    "knn_weight": knn,
                    "char_ngram_range": [2, 5],
                    "word_ngram_range": [1, 2],
                    "model": "svm",
                    "C": c,
                    "calibration_folds": 5,
                    "random_seed": 1,
                    "embedding_weight": embedding_weight,
                    "flat": args.flat,
                }
                weights = np.where(real, real_weight, 1.0)
                tally: Counter[str] = Counter()
                folds = GroupKFold(FOLDS).split(real_rows, groups=sites[real_rows])
                for _, fold in folds:
                    test = real_rows[fold]
                    held = np.zeros(len(items), dtype=bool)
                    held[test] = True
                    train = np.flatnonzero(~held & trainable)
                    predicted, answer, probabilities, classes = fit_predict(
                        train, test, texts, embeddings, labels, weights, config
                    )
                    if args.crisis_detector:
                        predicted = through_the_detector(
                            items, test, predicted, probabilities, classes
                        )
                    for row, got, key in zip(test, predicted, answer, strict=True):
                        count(tally, items[row], str(got), str(key), contract_label)
                        if args.errors:
                            show_error(items[row], str(got), contract_label)
                report(tally, real_weight, c, embedding_weight, knn)


def count(
    tally: Counter[str], item: Example, got: str, key: str, contract: Any
) -> None:
    truth = contract(item.label) if item.label else "out_of_scope"
    if item.kind == "question":
        tally["questions"] += 1
        tally["topic_right"] += contract(got) == truth
        if truth == "out_of_scope":
            tally["oos"] += 1
            tally["oos_right"] += contract(got) == truth
        if item.label.startswith("faq/"):
            tally["faq"] += 1
            right_topic = contract(got) == truth
            tally["faq_topic_right"] += right_topic
            answer = key if "." in item.label else contract(got)
            tally["answer_right"] += right_topic and answer == item.label
    elif item.kind == "crisis":
        tally["crisis"] += 1
        tally["crisis_found"] += got == "crisis"
    else:
        tally["benign"] += 1
        tally["benign_alarm"] += got == "crisis"


def show_error(item: Example, got: str, contract: Any) -> None:
    truth = contract(item.label) if item.label else "out_of_scope"
    if item.kind == "benign":
        wrong = got == "crisis"
    elif item.kind == "crisis":
        wrong = got != "crisis"
    else:
        wrong = contract(got) != truth
    if wrong:
        print(f"  {item.kind} {truth} -> {contract(got)}: {item.text[:160]}")


def report(
    tally: Counter[str], real_weight: float, c: float, ew: float, knn: float
) -> None:
    def share(part: str, whole: str) -> str:
        return (
            f"{tally[part]}/{tally[whole]} ({tally[part] / max(tally[whole], 1):.3f})"
        )

    print(
        f"real_weight {real_weight:g} C {c:g} embedding {ew:g} knn {knn:g}: "
        f"topic {share('topic_right', 'questions')}  "
        f"answer {share('answer_right', 'faq')} "
        f"(topic right {tally['faq_topic_right']})  "
        f"oos {share('oos_right', 'oos')}  "
        f"crisis {share('crisis_found', 'crisis')}  "
        f"benign alarms {share('benign_alarm', 'benign')}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--real-weight", type=float, nargs="+", default=[1.0])
    parser.add_argument("--C", type=float, nargs="+", default=[2.0])
    parser.add_argument("--embedding-weight", type=float, nargs="+", default=[1.0])
    parser.add_argument("--knn-weight", type=float, nargs="+", default=[0.0])
    parser.add_argument("--flat", type=float, default=0.0)
    parser.add_argument("--errors", action="store_true", help="print each miss")
    parser.add_argument(
        "--crisis-detector",
        action="store_true",
        help="pass each left-out message through the shipped crisis detector",
    )
    args = parser.parse_args()
    items = examples()
    texts, embeddings = features_input(items)
    print(
        f"{len(items)} examples, {sum(bool(i.site) for i in items)} real "
        f"(training part), {FOLDS} folds by site",
        flush=True,
    )
    cross_validate(items, texts, embeddings, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
