"""The training data and approved answers meet the clinic's rules."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from clinic.content.example_rules import MIN_EXAMPLES
from clinic.evaluation import (
    FAQ_KEYS,
    SMALL_TALK,
    contract_label,
    normalised,
    read_training_examples,
)

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDERS = {
    "clinic_name",
    "clinic_phone",
    "clinic_hours",
    "clinic_email",
    "clinic_address",
    "contact_within",
    "booking_url",
    "cost_details",
    "crisis_line",
    "crisis_resources",
    "emergency_number",
}


def intent_counts() -> Counter[str]:
    counts: Counter[str] = Counter()
    for example in read_training_examples(ROOT / "data"):
        counts[example.label] += 1
        topic = contract_label(example.label)
        if topic != example.label:  # out_of_scope/*, faq/<topic>.<answer>
            counts[topic] += 1
    return counts


def faq_responses() -> dict[str, list[dict]]:
    responses = {}
    for path in sorted((ROOT / "data" / "faq").glob("*.yml")):
        responses.update(yaml.safe_load(path.read_text(encoding="utf-8"))["responses"])
    return responses


@pytest.mark.parametrize(
    "label",
    [f"faq/{key}" for key in FAQ_KEYS]
    + ["book_appointment", "crisis", "human_handoff", "out_of_scope"],
)
def test_main_labels_have_the_examples_the_content_rules_ask(label: str) -> None:
    """The console's rule (clinic/content/example_rules.py), so that an edit it
    accepts cannot fail this test."""
    assert intent_counts()[label] >= MIN_EXAMPLES


@pytest.mark.parametrize("intent", SMALL_TALK)
def test_small_talk_has_the_examples_the_content_rules_ask(intent: str) -> None:
    assert intent_counts()[intent] >= MIN_EXAMPLES


def test_no_example_belongs_to_two_labels() -> None:
    labels = defaultdict(set)
    for example in read_training_examples(ROOT / "data"):
        labels[normalised(example.text)].add(example.label)
    assert {text: names for text, names in labels.items() if len(names) > 1} == {}


def test_each_faq_topic_has_one_file_with_examples_and_answers() -> None:
    """The file holds the topic's answers: ``faq/<key>`` alone or
    ``faq/<key>.<answer>`` for each, every one with its response."""
    for key in FAQ_KEYS:
        content = yaml.safe_load((ROOT / "data" / "faq" / f"{key}.yml").read_text())
        intents = [block["intent"] for block in content["nlu"]]
        assert intents, key
        for intent in intents:
            assert contract_label(intent) == f"faq/{key}"
            assert f"utter_{intent}" in content["responses"]


def topic_answers(key: str) -> list[dict]:
    return [
        answer
        for name, answers in faq_responses().items()
        if contract_label(name.removeprefix("utter_")) == f"faq/{key}"
        for answer in answers
    ]


@pytest.mark.parametrize("key", FAQ_KEYS)
def test_answers_are_short_balanced_and_offer_next_steps(key: str) -> None:
    answers = topic_answers(key)
    assert answers
    for answer in answers:
        check_answer(answer)


def check_answer(answer: dict) -> None:
    text = answer["text"]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    assert 2 <= len(sentences) <= 9, f"{len(sentences)} sentences"
    assert "%" not in text and "percent" not in text.lower(), "no statistics"
    # Promises; "ketamine is not a cure" is a fair warning, not a claim.
    for claim in (r"guarantee", r"(?<!not a )\bcure", r"success rate", r"100"):
        assert not re.search(claim, text.lower()), claim
    assert set(re.findall(r"{(\w+)}", text)) <= PLACEHOLDERS
    assert 2 <= len(answer.get("buttons", [])) <= 3


def test_answers_that_touch_suicide_carry_the_crisis_line() -> None:
    for name, answers in faq_responses().items():
        for answer in answers:
            if "suicid" in answer["text"].lower():
                assert "{crisis_line}" in answer["text"], name
