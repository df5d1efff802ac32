"""Staff's decisions on review-queue messages (clinic/store/review_decisions.py)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from clinic.store.review_decisions import decided, recent_decisions, record_decision

# A real UserUttered timestamp: all its digits must survive the round trip.
TIMESTAMP = 1764501234.5678913


def test_decided_messages_are_found_by_their_exact_timestamp(engine: Engine) -> None:
    record_decision(engine, "visitor-1", TIMESTAMP, "ignored", None, None, "dana")
    record_decision(
        engine, "visitor-2", TIMESTAMP + 1, "assigned", "faq/cost", "how much?", "sam"
    )
    assert decided(engine) == {("visitor-1", TIMESTAMP), ("visitor-2", TIMESTAMP + 1)}
    assert ("visitor-1", 1764501234.567891) not in decided(engine)


def test_recent_decisions_are_newest_first_and_limited(engine: Engine) -> None:
    for number in range(3):
        record_decision(
            engine, f"visitor-{number}", TIMESTAMP, "assigned", "faq/cost", "q", "dana"
        )
    rows = recent_decisions(engine, limit=2)
    assert [r["conversation_id"] for r in rows] == ["visitor-2", "visitor-1"]
    assert rows[0]["topic"] == "faq/cost" and rows[0]["username"] == "dana"
    assert rows[0]["message_timestamp"] == TIMESTAMP
    assert rows[0]["created_at"].tzinfo is not None


@pytest.mark.parametrize(("decision", "topic"), [("maybe", None), ("assigned", None)])
def test_unknown_or_incomplete_decisions_are_refused(
    engine: Engine, decision: str, topic: str | None
) -> None:
    with pytest.raises(ValueError):
        record_decision(engine, "visitor-1", TIMESTAMP, decision, topic, None, "dana")
    assert decided(engine) == set()
