"""Which short follow-ups stay within the topic just answered (clinic/follow_up.py)."""

from __future__ import annotations

from typing import Any

from clinic.components.parse_result import ANSWER_RANKING_KEY
from clinic.follow_up import answer_in_context


def parse(chosen: str, topics: dict[str, float], answers: dict[str, Any]) -> dict:
    """Parse data as the classifier gives it: the chosen answer, each topic's
    confidence and, per topic, its answers ranked."""
    ranking = [
        {"intent_response_key": f"{topic}.x", "confidence": confidence}
        for topic, confidence in topics.items()
    ]
    return {
        "response_selector": {
            "faq": {
                "response": {"intent_response_key": chosen},
                "ranking": ranking,
                ANSWER_RANKING_KEY: answers,
            }
        }
    }


SIDE_EFFECTS_SURE_OF_DURATION = {
    "faq/side_effects": [["faq/side_effects.duration", 0.95]],
    "faq/schedule": [["faq/schedule.maintenance", 0.93]],
}


def test_a_follow_up_pointing_back_stays_with_the_topic_answered() -> None:
    data = parse(
        "faq/effectiveness.how_long",
        {"faq/effectiveness": 0.88, "faq/side_effects": 0.003},
        SIDE_EFFECTS_SURE_OF_DURATION,
    )
    previous = "faq/side_effects.common"
    assert answer_in_context("and how long does it last?", data, previous) == (
        "faq/side_effects.duration"
    )


def test_a_follow_up_naming_its_own_subject_changes_topic() -> None:
    data = parse(
        "faq/cost.insurance",
        {"faq/cost": 0.89, "faq/schedule": 0.0},
        SIDE_EFFECTS_SURE_OF_DURATION,
    )
    previous = "faq/schedule.series"
    assert answer_in_context("what about insurance", data, previous) is None


def test_a_vague_follow_up_without_pointing_back_stays_with_the_topic() -> None:
    data = parse(
        "faq/effectiveness.how_long",
        {"faq/effectiveness": 0.49, "faq/session": 0.36},
        SIDE_EFFECTS_SURE_OF_DURATION,
    )
    previous = "faq/side_effects.common"
    assert answer_in_context("and how long?", data, previous) == (
        "faq/side_effects.duration"
    )


def test_a_clear_new_question_pointing_back_changes_topic() -> None:
    data = parse(
        "faq/cost.price",
        {"faq/cost": 0.93, "faq/effectiveness": 0.001},
        SIDE_EFFECTS_SURE_OF_DURATION,
    )
    previous = "faq/side_effects.common"
    assert answer_in_context("and how much does it cost?", data, previous) is None
