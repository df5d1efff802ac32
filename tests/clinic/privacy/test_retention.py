"""Retention (issue 24, item 8): the purge removes exactly what is past its
period, in every table, keeps open work, and leaves a line in the audit trail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from clinic.privacy.conversations import events
from clinic.privacy.retention import (
    PURGE_ACTION,
    RetentionError,
    RetentionPeriods,
    load_retention,
    purge,
)
from clinic.store.models import (
    answer_feedback,
    booking_requests,
    crisis_flags,
    handoff_tickets,
    insight_conversations,
    review_decisions,
    staff_actions,
    ticket_entries,
)
from tests.clinic.privacy.conftest import NOW, seed_visitor

VISITOR_TABLES = (
    booking_requests,
    handoff_tickets,
    crisis_flags,
    answer_feedback,
    review_decisions,
)
PROJECT_CONFIG = Path(__file__).resolve().parents[3] / "config" / "clinic.yml"


def conversations_left(engine: Engine, table: object) -> set[str]:
    column = table.c.sender_id if table is events else table.c.conversation_id
    with engine.connect() as connection:
        return set(connection.execute(select(column).distinct()).scalars())


def count(engine: Engine, table: object) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar())


def test_the_shipped_periods_are_read_from_clinic_yml() -> None:
    periods = load_retention(PROJECT_CONFIG)
    assert periods == RetentionPeriods()  # the file states the defaults


@pytest.mark.parametrize(
    "section", [{"conversations": 0}, {"convos": 30}, {"crisis_flags": "a year"}]
)
def test_a_wrong_period_is_refused(section: dict, tmp_path: Path) -> None:
    config = tmp_path / "clinic.yml"
    config.write_text(json.dumps({"retention": section}), encoding="utf-8")
    with pytest.raises(RetentionError):
        load_retention(config)


def test_the_purge_removes_exactly_what_is_past_its_period(records: Engine) -> None:
    seed_visitor(records, "visitor-old-aaaaaa", age_days=400)
    seed_visitor(records, "visitor-mid-bbbbbb", age_days=100)
    seed_visitor(records, "visitor-new-cccccc", age_days=5)

    counts = purge(records, RetentionPeriods(), "alex", now=NOW)

    # 30 days for conversations: only the newest conversation is left.
    assert conversations_left(records, events) == {"visitor-new-cccccc"}
    # 180 days for requests and tickets, 365 for flags, ratings and decisions.
    for table in VISITOR_TABLES:
        assert conversations_left(records, table) == {
            "visitor-mid-bbbbbb",
            "visitor-new-cccccc",
        }, table.name
    assert count(records, ticket_entries) == 2
    assert counts == {
        "conversations": 4,  # two events each, of two conversations
        "booking_requests": 1,
        "handoff_tickets": 2,  # the ticket and what staff wrote on it
        "crisis_flags": 1,
        "answer_feedback": 1,
        "review_decisions": 1,
        "staff_actions": 0,  # 730 days
        "insights": 0,  # 730 days
    }
    # Past 730 days, the Insights row of a conversation goes too.
    seed_visitor(records, "visitor-older-zzzzzz", age_days=800)
    assert purge(records, RetentionPeriods(), now=NOW)["insights"] == 1
    assert conversations_left(records, insight_conversations) == {
        "visitor-old-aaaaaa",
        "visitor-mid-bbbbbb",
        "visitor-new-cccccc",
    }


def test_open_requests_tickets_and_unreviewed_flags_are_kept(records: Engine) -> None:
    seed_visitor(records, "visitor-open-dddddd", age_days=400, status="new")

    purge(records, RetentionPeriods(), now=NOW)

    for table in (booking_requests, handoff_tickets, crisis_flags):
        assert conversations_left(records, table) == {"visitor-open-dddddd"}
    assert count(records, ticket_entries) == 1
    # Nothing open about a conversation itself: its events go.
    assert conversations_left(records, events) == set()


def test_a_conversation_is_never_half_deleted(records: Engine) -> None:
    seed_visitor(records, "visitor-long-eeeeee", age_days=40)
    seed_visitor(records, "visitor-long-eeeeee", age_days=1)  # came back

    assert purge(records, RetentionPeriods(), now=NOW)["conversations"] == 0
    assert count(records, events) == 4


def test_a_dry_run_counts_and_deletes_nothing(records: Engine) -> None:
    seed_visitor(records, "visitor-old-ffffff", age_days=400)

    counts = purge(records, RetentionPeriods(), now=NOW, dry_run=True)

    assert counts["conversations"] == 2 and counts["booking_requests"] == 1
    assert count(records, events) == 2
    assert count(records, booking_requests) == 1


def test_every_purge_is_in_the_audit_trail(records: Engine) -> None:
    seed_visitor(records, "visitor-old-gggggg", age_days=800)

    counts = purge(records, RetentionPeriods(), "alex", now=NOW)

    with records.connect() as connection:
        line = connection.execute(
            select(staff_actions).where(staff_actions.c.action == PURGE_ACTION)
        ).one()
    assert line.username == "alex"
    assert json.loads(line.detail) == counts
    assert counts["staff_actions"] == 1  # the 800-day-old read of the conversation
