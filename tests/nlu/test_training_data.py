"""The training data and approved answers meet the clinic's rules."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from clinic.evaluation import FAQ_KEYS, SMALL_TALK, normalised, read_training_examples

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
        if example.label.startswith("out_of_scope/"):
            counts["out_of_scope"] += 1
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
def test_main_labels_have_at_least_40_examples(label: str) -> None:
    assert intent_counts()[label] >= 40


@pytest.mark.parametrize("intent", SMALL_TALK)
def test_small_talk_has_at_least_15_examples(intent: str) -> None:
    assert intent_counts()[intent] >= 15


def test_no_example_belongs_to_two_labels() -> None:
    labels = defaultdict(set)
    for example in read_training_examples(ROOT / "data"):
        labels[normalised(example.text)].add(example.label)
    assert {text: names for text, names in labels.items() if len(names) > 1} == {}


def test_each_faq_topic_has_one_file_with_examples_and_answer() -> None:
    for key in FAQ_KEYS:
        content = yaml.safe_load((ROOT / "data" / "faq" / f"{key}.yml").read_text())
        assert content["nlu"][0]["intent"] == f"faq/{key}"
        assert f"utter_faq/{key}" in content["responses"]


@pytest.mark.parametrize("key", FAQ_KEYS)
def test_answers_are_short_balanced_and_offer_next_steps(key: str) -> None:
    [answer] = faq_responses()[f"utter_faq/{key}"]
    text = answer["text"]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    assert 2 <= len(sentences) <= 5, f"{len(sentences)} sentences"
    assert "%" not in text and "percent" not in text.lower(), "no statistics"
    for claim in ("guarantee", "cure", "success rate", "100"):
        assert claim not in text.lower()
    assert set(re.findall(r"{(\w+)}", text)) <= PLACEHOLDERS
    assert 2 <= len(answer.get("buttons", [])) <= 3


def test_answers_that_touch_suicide_carry_the_crisis_line() -> None:
    for name, [answer] in faq_responses().items():
        if "suicid" in answer["text"].lower():
            assert "{crisis_line}" in answer["text"], name
