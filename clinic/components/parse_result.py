"""The classifier's probabilities in the shape of Rasa's parse result: the
intent ranking by base intent, and a ``response_selector`` entry per retrieval
intent (``faq``, ``out_of_scope``) naming the chosen answer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT_NAME_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from sklearn.pipeline import Pipeline

from clinic.intent_names import topic_of

RESPONSE_KEY_SEPARATOR = "/"
ANSWER_RANKING_KEY = "answer_ranking"


def base_intent(label: str) -> str:
    return label.split(RESPONSE_KEY_SEPARATOR, 1)[0]


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
