"""Which short follow-ups stay within the topic just answered (clinic/follow_up.py)."""

from __future__ import annotations

import pytest

from clinic.components.parse_result import ANSWER_RANKING_KEY
from clinic.follow_up import answer_in_context

# Each previous topic's answer model, clearly preferring one of its answers.
PREVIOUS_TOPICS_SURE = {
    "faq/side_effects": [["faq/side_effects.duration", 0.95]],
    "faq/schedule": [["faq/schedule.maintenance", 0.93]],
}


def parse(chosen: str, topics: dict[str, float]) -> dict:
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
                ANSWER_RANKING_KEY: PREVIOUS_TOPICS_SURE,
            }
        }
    }


# (message, previous answer, classifier's choice, topic confidences, answer given
# in context or None when the classifier's choice stands); confidences measured.
CASES = [
    pytest.param(
        "and how long does it last?",
        "faq/side_effects.common",
        "faq/effectiveness.how_long",
        {"faq/effectiveness": 0.88, "faq/side_effects": 0.003},
        "faq/side_effects.duration",
        id="pointing back stays with the topic answered",
    ),
    pytest.param(
        "what about insurance",
        "faq/schedule.series",
        "faq/cost.insurance",
        {"faq/cost": 0.89, "faq/schedule": 0.0},
        None,
        id="naming its own subject changes topic",
    ),
    pytest.param(
        "and how long?",
        "faq/side_effects.common",
        "faq/effectiveness.how_long",
        {"faq/effectiveness": 0.49, "faq/session": 0.36},
        "faq/side_effects.duration",
        id="vague without pointing back stays with the topic",
    ),
    pytest.param(
        "and how much does it cost?",
        "faq/side_effects.common",
        "faq/cost.price",
        {"faq/cost": 0.93, "faq/effectiveness": 0.001},
        None,
        id="clear new question pointing back changes topic",
    ),
]


@pytest.mark.parametrize(("text", "previous", "chosen", "topics", "expected"), CASES)
def test_a_follow_up_gets_the_answer_its_wording_asks_for(
    text: str,
    previous: str,
    chosen: str,
    topics: dict[str, float],
    expected: str | None,
) -> None:
    assert answer_in_context(text, parse(chosen, topics), previous) == expected
