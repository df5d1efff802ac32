"""Scoring the assistant's labels the way the clinic's quality checks read them.

A label comes from ``POST /model/parse`` (see shared contract): ``faq/<key>`` from
the response selector for the ``faq`` intent, and the intent name otherwise. Every
label starting with ``out_of_scope`` counts as ``out_of_scope``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from clinic.intent_names import (
    BOOK_APPOINTMENT,
    CRISIS,
    HUMAN_HANDOFF,
    OUT_OF_SCOPE,
    topic_of,
)

RETRIEVAL_INTENTS = ("faq", OUT_OF_SCOPE)
# The labels of the shared intent contract (shared/contract/topics.md).
FAQ_KEYS = (
    "mechanism",
    "side_effects",
    "ketamine_vs_ssri",
    "ssri_together",
    "session",
    "schedule",
    "effectiveness",
    "eligibility",
    "trd",
    "safety",
    "consultation",
    "depression_symptoms",
    "cost",
    "preparation",
    "spravato",
    "other_conditions",
    "aftercare",
    "therapy",
    "at_home",
    "care_team",
)

SMALL_TALK = ("greet", "goodbye", "thank", "affirm", "deny", "bot_challenge")
CONTRACT_LABELS = frozenset(
    [f"faq/{key}" for key in FAQ_KEYS]
    + [BOOK_APPOINTMENT, CRISIS, HUMAN_HANDOFF, OUT_OF_SCOPE, *SMALL_TALK]
)


def label_from_parse(parse: dict[str, Any]) -> str:
    intent = (parse.get("intent") or {}).get("name") or ""
    if intent in RETRIEVAL_INTENTS:
        selected = (parse.get("response_selector") or {}).get(intent) or {}
        key = (selected.get("response") or {}).get("intent_response_key")
        return key or intent
    return intent


def contract_label(label: str) -> str:
    """The label as the contract scores it (out_of_scope/* → out_of_scope,
    faq/<topic>.<answer> → faq/<topic>)."""
    if label.startswith(OUT_OF_SCOPE):
        return OUT_OF_SCOPE
    return topic_of(label)


@dataclass(frozen=True)
class LabelledMessage:
    text: str
    label: str


def read_nlu_examples(path: Path) -> list[LabelledMessage]:
    """Examples of a Rasa NLU YAML file, labelled with their (retrieval) intent."""
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    examples = []
    for block in content.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block.get("examples") or "").splitlines():
            text = line.strip()
            if text.startswith("- "):
                examples.append(LabelledMessage(text[2:].strip(), block["intent"]))
    return examples


def read_training_examples(data_dir: Path) -> list[LabelledMessage]:
    return [
        example
        for path in sorted(data_dir.rglob("*.yml"))
        for example in read_nlu_examples(path)
    ]


def normalised(text: str) -> str:
    return " ".join(
        "".join(c for c in text.lower() if c.isalnum() or c.isspace()).split()
    )


def read_message_sets(path: Path) -> dict[str, list[str]]:
    """The categories of a crisis / non-crisis set file."""
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        name: [str(m) for m in messages]
        for name, messages in content["categories"].items()
    }


@dataclass
class LabelScores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class Report:
    accuracy: float
    macro_f1: float
    per_label: dict[str, LabelScores]
    labels: list[str]
    confusion: list[list[int]]
    errors: list[tuple[str, str, str]] = field(default_factory=list)

    def worst_f1(self) -> tuple[str, float]:
        label = min(self.per_label, key=lambda name: self.per_label[name].f1)
        return label, self.per_label[label].f1


def score(
    expected: Sequence[str], predicted: Sequence[str], texts: Sequence[str]
) -> Report:
    from sklearn.metrics import (
        accuracy_score,
        confusion_matrix,
        precision_recall_fscore_support,
    )

    labels = sorted(set(expected) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        expected, predicted, labels=labels, zero_division=0
    )
    per_label = {
        label: LabelScores(float(p), float(r), float(f), int(s))
        for label, p, r, f, s in zip(
            labels, precision, recall, f1, support, strict=True
        )
        if s > 0
    }
    return Report(
        accuracy=float(accuracy_score(expected, predicted)),
        macro_f1=sum(s.f1 for s in per_label.values()) / len(per_label),
        per_label=per_label,
        labels=labels,
        confusion=confusion_matrix(expected, predicted, labels=labels).tolist(),
        errors=[
            (text, want, got)
            for text, want, got in zip(texts, expected, predicted, strict=True)
            if want != got
        ],
    )


def score_contract(
    examples: Iterable[LabelledMessage], predicted: Sequence[str]
) -> Report:
    examples = list(examples)
    return score(
        [contract_label(e.label) for e in examples],
        [contract_label(p) for p in predicted],
        [e.text for e in examples],
    )


def baseline_models() -> dict[str, tuple[str, Any]]:
    """The two scikit-learn baselines the assistant must beat (issue 8), untrained:
    name -> (description, model)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    return {
        "tfidf_words_logreg": (
            "TF-IDF word 1-2-grams + logistic regression",
            make_pipeline(
                TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                LogisticRegression(max_iter=2000, C=10),
            ),
        ),
        "char_ngrams_svm": (
            "character 2-5-grams + linear SVM",
            make_pipeline(
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True
                ),
                LinearSVC(C=1.0, random_state=0),
            ),
        ),
    }


def baseline_report(
    model: Any, training: Sequence[LabelledMessage], heldout: Sequence[LabelledMessage]
) -> Report:
    """A baseline trained on the training examples, scored on the held-out ones."""
    model.fit([e.text for e in training], [e.label for e in training])
    return score_contract(heldout, list(model.predict([e.text for e in heldout])))
