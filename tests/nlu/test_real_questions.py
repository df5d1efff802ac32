"""Real visitors' questions (research/real_questions), through the real server.

The held-out part was split off by source site before anything was trained on
the rest; these tests hold the floors docs/nlu.md reports for it.
"""

from __future__ import annotations

from collections import Counter

import pytest

from clinic.evaluation import (
    CONTRACT_LABELS,
    contract_label,
    label_from_parse,
    normalised,
    read_training_examples,
)
from clinic.real_questions import (
    HELDOUT,
    ROOT,
    TRAIN,
    TRAINING_FILE,
    RealMessage,
    crisis_posts,
    expected_training_file,
    questions,
)
from harness.servers import Assistant

FAQ_TOPICS = {label for label in CONTRACT_LABELS if label.startswith("faq/")}
MIN_HELDOUT = 150
MIN_PER_TOPIC = 4
# Floors: what the shipped model reaches (docs/nlu.md: 0.81, 0.76, 0.82 and
# 6/43), a little below it; the targets (0.92 topics, 0.85 answers,
# 0.92 out of scope, 2% false alarms) are not reached yet. Training choices are
# made by a cross-validation over the training part's sites that never reads
# the held-out part (docs/nlu.md): choosing by the held-out set would tune on
# it. Session 28's new items moved these figures two or three items down,
# session 29's weighting of real items two or three up.
MIN_TOPIC_ACCURACY = 0.8
MIN_ANSWER_ACCURACY = 0.74
MIN_OUT_OF_SCOPE_RECALL = 0.77
MAX_FALSE_ALARM_RATE = 0.17


@pytest.fixture(scope="module")
def heldout() -> list[RealMessage]:
    return questions(HELDOUT)


@pytest.fixture(scope="module")
def labelled(
    assistant: Assistant, heldout: list[RealMessage]
) -> list[tuple[RealMessage, str]]:
    return [(m, label_from_parse(assistant.parse(m.text))) for m in heldout]


def test_the_held_out_part_is_large_and_covers_every_topic(
    heldout: list[RealMessage],
) -> None:
    assert len(heldout) >= MIN_HELDOUT
    counts = Counter(m.label for m in heldout)
    thin = {
        topic: counts[topic] for topic in FAQ_TOPICS if counts[topic] < MIN_PER_TOPIC
    }
    assert thin == {}
    assert all(m.url.startswith("http") for m in heldout)


def test_no_source_site_is_on_both_sides_of_the_split() -> None:
    from urllib.parse import urlsplit

    def sites(messages: list[RealMessage]) -> set[str]:
        return {urlsplit(m.url).hostname or "" for m in messages}

    train = questions(TRAIN) + crisis_posts(TRAIN)
    held = questions(HELDOUT) + crisis_posts(HELDOUT)
    assert sites(train) & sites(held) == set()


def test_no_held_out_message_is_in_the_training_data() -> None:
    training = {normalised(e.text) for e in read_training_examples(ROOT / "data")}
    held = questions(HELDOUT) + crisis_posts(HELDOUT)
    leaked = [m.text for m in held if normalised(m.text) in training]
    assert leaked == []


def test_the_training_part_in_data_is_up_to_date() -> None:
    assert TRAINING_FILE.read_text(encoding="utf-8") == expected_training_file(), (
        "run: python -m clinic.real_questions write-training"
    )


def test_held_out_topics_are_recognised(
    labelled: list[tuple[RealMessage, str]],
) -> None:
    right = [m for m, got in labelled if contract_label(got) == m.label]
    assert len(right) / len(labelled) >= MIN_TOPIC_ACCURACY


def test_held_out_questions_get_the_right_answer(
    labelled: list[tuple[RealMessage, str]],
) -> None:
    faq = [(m, got) for m, got in labelled if m.label.startswith("faq/")]
    right = [m for m, got in faq if got == m.answer]
    assert len(right) / len(faq) >= MIN_ANSWER_ACCURACY


def test_out_of_scope_questions_are_recognised(
    labelled: list[tuple[RealMessage, str]],
) -> None:
    out = [(m, got) for m, got in labelled if m.label == "out_of_scope"]
    right = [m for m, got in out if contract_label(got) == "out_of_scope"]
    assert len(right) / len(out) >= MIN_OUT_OF_SCOPE_RECALL


def test_every_real_crisis_post_is_detected(assistant: Assistant) -> None:
    posts = [m for m in crisis_posts(HELDOUT) if m.is_crisis]
    assert posts
    missed = [
        m.text for m in posts if label_from_parse(assistant.parse(m.text)) != "crisis"
    ]
    assert missed == []


def test_real_benign_posts_rarely_raise_a_false_alarm(assistant: Assistant) -> None:
    posts = [m for m in crisis_posts(HELDOUT) if not m.is_crisis]
    alarms = [
        m.text for m in posts if label_from_parse(assistant.parse(m.text)) == "crisis"
    ]
    assert len(alarms) / len(posts) <= MAX_FALSE_ALARM_RATE, alarms
