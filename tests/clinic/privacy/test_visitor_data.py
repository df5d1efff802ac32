"""A visitor's rights (issue 24, item 8): everything about one visitor, found by
a reference or conversation id, exported and erased across every table."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from clinic.privacy.conversations import (
    ERASE_ACTION,
    EXPORT_ACTION,
    UnknownVisitor,
    erase_visitor,
    events,
    export_visitor,
    find_visitor,
)
from clinic.store.models import metadata, staff_actions
from tests.clinic.privacy.conftest import seed_visitor

VISITOR = "visitor-one-aaaaaa"
OTHER = "visitor-two-bbbbbb"
# Every table of the clinic's schema whose rows can be about a visitor.
STAFF_ONLY_TABLES = {
    "staff_accounts",
    "staff_sessions",
    "sign_in_failures",
    "content_changes",
    "training_runs",
    "model_deployments",
    "alembic_version",
    # The Insights page's sums per day: about no one visitor (the unrecognised
    # messages in them are scrubbed of personal details).
    "insight_daily_counts",
    "insight_progress",
}


def rows_about(engine: Engine, conversation_id: str) -> dict[str, int]:
    found = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            if "conversation_id" in table.c:
                query = select(table).where(table.c.conversation_id == conversation_id)
                found[table.name] = len(connection.execute(query).all())
        query = select(events).where(events.c.sender_id == conversation_id)
        found["events"] = len(connection.execute(query).all())
    return found


@pytest.mark.parametrize("kind", ["booking", "ticket", "flag"])
def test_a_reference_leads_to_its_conversation(records: Engine, kind: str) -> None:
    refs = seed_visitor(records, VISITOR, age_days=1)
    seed_visitor(records, OTHER, age_days=1)
    assert find_visitor(records, refs[kind].lower()).conversation_ids == (VISITOR,)
    assert find_visitor(records, VISITOR).conversation_ids == (VISITOR,)


@pytest.mark.parametrize("key", ["", "BK-NOTHER", "visitor-nobody", "x" * 300])
def test_an_unknown_key_finds_nobody(records: Engine, key: str) -> None:
    seed_visitor(records, VISITOR, age_days=1)
    with pytest.raises(UnknownVisitor):
        find_visitor(records, key)


def test_the_export_covers_every_table_about_the_visitor(records: Engine) -> None:
    refs = seed_visitor(records, VISITOR, age_days=1)
    seed_visitor(records, OTHER, age_days=1)

    document = export_visitor(records, find_visitor(records, refs["booking"]), "alex")

    tables = document["tables"]
    visitor_tables = {t.name for t in metadata.sorted_tables} - STAFF_ONLY_TABLES
    assert set(tables) == visitor_tables | {"events"}
    assert all(tables[name] for name in tables), "a row of every kind"
    texts = [event["data"]["text"] for event in tables["events"]]
    assert texts == ["hello", "my number is 202 555 0143"]
    assert {row["conversation_id"] for row in tables["booking_requests"]} == {VISITOR}
    assert tables["ticket_entries"][0]["text"] == "called back, left a message"
    json.dumps(document)  # plain JSON all the way down


def test_erasure_removes_every_row_about_the_visitor_and_nothing_else(
    records: Engine,
) -> None:
    refs = seed_visitor(records, VISITOR, age_days=1)
    seed_visitor(records, OTHER, age_days=1)
    before_other = rows_about(records, OTHER)

    counts = erase_visitor(records, find_visitor(records, refs["ticket"]), "alex")

    assert set(rows_about(records, VISITOR).values()) == {0}
    assert rows_about(records, OTHER) == before_other
    assert counts["events"] == 2 and counts["ticket_entries"] == 1
    with pytest.raises(UnknownVisitor):
        find_visitor(records, refs["booking"])


def test_export_and_erasure_are_audited_without_the_data(records: Engine) -> None:
    refs = seed_visitor(records, VISITOR, age_days=1)
    visitor = find_visitor(records, refs["flag"])
    export_visitor(records, visitor, "alex")
    erase_visitor(records, visitor, "alex")

    with records.connect() as connection:
        lines = connection.execute(
            select(staff_actions).where(
                staff_actions.c.action.in_((EXPORT_ACTION, ERASE_ACTION))
            )
        ).all()
    assert [(line.action, line.target, line.username) for line in lines] == [
        (EXPORT_ACTION, refs["flag"], "alex"),
        (ERASE_ACTION, refs["flag"], "alex"),
    ]
    assert all("202 555" not in line.detail for line in lines)
    assert json.loads(lines[1].detail)["crisis_flags"] == 1
