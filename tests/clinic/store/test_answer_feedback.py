"""Visitors' ratings of answers (clinic/store/answer_feedback.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.engine import Engine

from clinic.store.answer_feedback import (
    MAX_RATINGS_PER_CONVERSATION,
    feedback_for,
    record_feedback,
    unhelpful_answers,
    unhelpful_texts,
)


def test_ratings_are_kept_per_conversation_oldest_first(engine: Engine) -> None:
    record_feedback(engine, "visitor-1", "down", "Sessions take about 40 minutes.")
    record_feedback(engine, "visitor-2", "up", "Hello!")
    record_feedback(engine, "visitor-1", "up", "It costs $450.")
    rows = feedback_for(engine, "visitor-1")
    assert [(r["rating"], r["bot_text"]) for r in rows] == [
        ("down", "Sessions take about 40 minutes."),
        ("up", "It costs $450."),
    ]
    assert rows[0]["created_at"].tzinfo is not None


def test_unhelpful_answers_are_the_thumbs_down_newest_first(engine: Engine) -> None:
    record_feedback(engine, "visitor-1", "down", "first")
    record_feedback(engine, "visitor-2", "up", "liked")
    record_feedback(engine, "visitor-3", "down", "second")
    assert [r["bot_text"] for r in unhelpful_answers(engine)] == ["second", "first"]
    later = datetime.now(timezone.utc) + timedelta(minutes=1)
    assert unhelpful_answers(engine, since=later) == []
    earlier = datetime.now(timezone.utc) - timedelta(minutes=1)
    assert len(unhelpful_answers(engine, since=earlier)) == 2


def test_unhelpful_texts_group_the_thumbs_down_by_conversation(engine: Engine) -> None:
    record_feedback(engine, "visitor-1", "down", "An answer. ")
    record_feedback(engine, "visitor-1", "up", "Liked")
    record_feedback(engine, "visitor-2", "down", "Other")
    assert unhelpful_texts(engine, ["visitor-1", "visitor-3"]) == {
        "visitor-1": {"An answer."}
    }
    assert unhelpful_texts(engine, []) == {}


@pytest.mark.parametrize(("rating", "text"), [("meh", "An answer"), ("down", "  ")])
def test_bad_ratings_are_refused(engine: Engine, rating: str, text: str) -> None:
    with pytest.raises(ValueError):
        record_feedback(engine, "visitor-1", rating, text)
    assert feedback_for(engine, "visitor-1") == []


def test_the_same_rating_is_stored_once_and_a_conversation_has_a_cap(
    engine: Engine,
) -> None:
    first = record_feedback(engine, "visitor-1", "down", "It costs $450.")
    assert record_feedback(engine, "visitor-1", "down", "It costs $450.") == first
    assert len(feedback_for(engine, "visitor-1")) == 1
    for number in range(1, MAX_RATINGS_PER_CONVERSATION):
        record_feedback(engine, "visitor-1", "up", f"answer {number}")
    with pytest.raises(ValueError, match="too many ratings"):
        record_feedback(engine, "visitor-1", "up", "one more")
    assert len(feedback_for(engine, "visitor-1")) == MAX_RATINGS_PER_CONVERSATION
