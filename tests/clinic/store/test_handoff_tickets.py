from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta, timezone

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from clinic.store import handoff_tickets as store
from clinic.store.booking_requests import (
    BookingRequest,
    list_booking_requests,
    store_booking_request,
)
from clinic.store.db import make_engine
from clinic.store.handoff_tickets import (
    KINDS,
    REASONS,
    STATUSES,
    HandoffTicket,
    get_handoff_ticket,
    list_handoff_tickets,
    mark_ticket_notification,
    new_ticket_reference,
    set_ticket_status,
    store_handoff_ticket,
)
from clinic.store.migrate import alembic_config, upgrade

REFERENCE = re.compile(r"CB-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}")


def callback(conversation_id: str = "visitor-1", **changes: object) -> HandoffTicket:
    ticket = HandoffTicket(
        conversation_id=conversation_id,
        kind="callback",
        reason="visitor_asked",
        first_name="Sam",
        contact_kind="phone",
        contact="+12025550143",
        message="questions about the first session",
    )
    return dataclasses.replace(ticket, **changes)


def live(conversation_id: str = "visitor-9") -> HandoffTicket:
    return HandoffTicket(conversation_id, kind="live", reason="misunderstood")


def test_migrations_create_the_table_with_a_unique_reference(engine: Engine) -> None:
    inspector = inspect(engine)
    assert "handoff_tickets" in inspector.get_table_names()
    indexes = {
        index["name"]: index for index in inspector.get_indexes("handoff_tickets")
    }
    assert indexes["ix_handoff_tickets_reference"]["unique"]
    assert indexes["ix_handoff_tickets_conversation_id"]["column_names"] == [
        "conversation_id"
    ]


def test_upgrading_from_0002_keeps_the_booking_requests(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "0002")
    engine = make_engine(database_url)
    assert "handoff_tickets" not in inspect(engine).get_table_names()
    reference = store_booking_request(
        engine,
        BookingRequest(
            conversation_id="visitor-1",
            first_name="Sam",
            contact_kind="email",
            contact="sam@example.org",
            preferred_days="",
            preferred_time="",
            hopes="",
            consent_at=datetime(2026, 11, 28, tzinfo=timezone.utc),
        ),
    )
    upgrade(database_url)
    assert "handoff_tickets" in inspect(engine).get_table_names()
    assert [row["reference"] for row in list_booking_requests(engine)] == [reference]
    engine.dispose()


def test_downgrading_to_0002_drops_only_the_ticket_table(database_url: str) -> None:
    upgrade(database_url)
    command.downgrade(alembic_config(database_url), "0002")
    engine = make_engine(database_url)
    tables = inspect(engine).get_table_names()
    assert "handoff_tickets" not in tables
    assert {"booking_requests", "crisis_flags"} <= set(tables)
    engine.dispose()


def test_a_callback_ticket_is_stored_and_read_back(engine: Engine) -> None:
    before = datetime.now(timezone.utc)
    reference = store_handoff_ticket(engine, callback(reason="booking_failed"))
    row = get_handoff_ticket(engine, reference)
    assert row is not None
    assert {
        key: row[key]
        for key in (
            "reference",
            "conversation_id",
            "kind",
            "reason",
            "status",
            "first_name",
            "contact_kind",
            "contact",
            "message",
            "assigned_to",
            "status_changed_at",
            "staff_note",
            "notified_at",
            "notify_error",
        )
    } == {
        "reference": reference,
        "conversation_id": "visitor-1",
        "kind": "callback",
        "reason": "booking_failed",
        "status": "new",
        "first_name": "Sam",
        "contact_kind": "phone",
        "contact": "+12025550143",
        "message": "questions about the first session",
        "assigned_to": None,
        "status_changed_at": None,
        "staff_note": None,
        "notified_at": None,
        "notify_error": None,
    }
    assert before <= row["created_at"] <= datetime.now(timezone.utc)


def test_a_live_ticket_has_no_contact_details(engine: Engine) -> None:
    reference = store_handoff_ticket(engine, live())
    row = get_handoff_ticket(engine, reference)
    assert row is not None
    assert (row["kind"], row["reason"]) == ("live", "misunderstood")
    assert [row[key] for key in ("first_name", "contact_kind", "contact")] == [
        None,
        None,
        None,
    ]
    assert row["message"] is None


def test_overlong_text_is_stored_cut_to_fit(engine: Engine) -> None:
    # PostgreSQL would refuse the name outright; SQLite would keep all of it.
    reference = store_handoff_ticket(
        engine, callback(first_name="S" * 100, message="m" * 1500)
    )
    row = get_handoff_ticket(engine, reference)
    assert row is not None
    assert (len(row["first_name"]), len(row["message"])) == (80, 1000)


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"kind": "phone"}, "unknown kind 'phone'"),
        ({"reason": "bored"}, "unknown reason 'bored'"),
        ({"contact_kind": "fax"}, "unknown contact kind 'fax'"),
    ],
)
def test_an_unknown_kind_or_reason_is_refused(
    engine: Engine, changes: dict[str, str], error: str
) -> None:
    with pytest.raises(ValueError, match=error):
        store_handoff_ticket(engine, callback(**changes))
    assert list_handoff_tickets(engine) == []


def test_the_agreed_kinds_reasons_and_statuses() -> None:
    assert KINDS == ("callback", "live")
    assert REASONS == (
        "visitor_asked",
        "misunderstood",
        "after_crisis",
        "booking_failed",
    )
    assert STATUSES == ("new", "assigned", "contacted", "closed")


def test_references_are_readable_over_the_phone() -> None:
    references = {new_ticket_reference() for _ in range(2000)}
    assert all(REFERENCE.fullmatch(reference) for reference in references)
    assert not set("".join(references)) & set("0O1IL")
    assert len(references) > 1990  # 31**6 codes: a repeat here would be a bug


def test_stored_references_are_distinct(engine: Engine) -> None:
    references = [
        store_handoff_ticket(engine, callback(f"visitor-{n}")) for n in range(5)
    ]
    assert len(set(references)) == 5
    assert all(REFERENCE.fullmatch(reference) for reference in references)


def test_a_reference_is_found_in_any_case_and_without_its_prefix(
    engine: Engine,
) -> None:
    reference = store_handoff_ticket(engine, callback())
    code = reference.removeprefix("CB-")
    for typed in (reference.lower(), code, code.lower(), f" cb {code} ", f"CB{code}"):
        row = get_handoff_ticket(engine, typed)
        assert row is not None and row["reference"] == reference, typed
    assert get_handoff_ticket(engine, "CB-ZZZZZZ") is None
    assert get_handoff_ticket(engine, "BK-" + code) is None


def test_a_taken_reference_is_replaced_by_a_fresh_one(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = store_handoff_ticket(engine, callback("visitor-1"))
    drawn = iter([taken, "CB-ZZZZZZ"])
    monkeypatch.setattr(store, "new_ticket_reference", lambda: next(drawn))
    assert store_handoff_ticket(engine, callback("visitor-2")) == "CB-ZZZZZZ"
    assert [
        (row["reference"], row["conversation_id"])
        for row in list_handoff_tickets(engine)
    ] == [(taken, "visitor-1"), ("CB-ZZZZZZ", "visitor-2")]


def test_tickets_are_listed_oldest_first_by_status_and_kind(engine: Engine) -> None:
    first, second, third = (
        store_handoff_ticket(engine, callback(f"visitor-{n}")) for n in range(3)
    )
    chat = store_handoff_ticket(engine, live())
    assert set_ticket_status(engine, second, "contacted")

    def listed(status: str | None = None, kind: str | None = None) -> list[str]:
        return [row["reference"] for row in list_handoff_tickets(engine, status, kind)]

    assert listed() == [first, second, third, chat]
    assert listed("new") == [first, third, chat]
    assert listed("new", "callback") == [first, third]
    assert listed(kind="live") == [chat]
    assert listed("contacted", "live") == []
    assert listed("closed") == []
    with pytest.raises(ValueError, match="unknown status"):
        list_handoff_tickets(engine, "open")
    with pytest.raises(ValueError, match="unknown kind"):
        list_handoff_tickets(engine, kind="email")


def test_status_note_and_assignee_are_recorded(engine: Engine) -> None:
    reference = store_handoff_ticket(engine, live())
    assert set_ticket_status(engine, reference, "assigned", assigned_to="Dr Lee")
    assigned = get_handoff_ticket(engine, reference)
    assert assigned is not None
    assert (assigned["status"], assigned["assigned_to"], assigned["staff_note"]) == (
        "assigned",
        "Dr Lee",
        None,
    )
    assert assigned["status_changed_at"] is not None

    assert set_ticket_status(engine, reference.lower(), "closed", "answered in chat")
    closed = get_handoff_ticket(engine, reference)
    assert closed is not None
    assert (closed["status"], closed["assigned_to"], closed["staff_note"]) == (
        "closed",
        "Dr Lee",
        "answered in chat",
    )
    assert closed["status_changed_at"] > assigned["status_changed_at"]

    assert set_ticket_status(engine, reference, "closed", assigned_to="")
    unassigned = get_handoff_ticket(engine, reference)
    assert unassigned is not None
    assert unassigned["assigned_to"] is None
    assert unassigned["staff_note"] == "answered in chat"
    assert unassigned["status_changed_at"] == closed["status_changed_at"]


def test_an_unknown_reference_or_status_changes_nothing(engine: Engine) -> None:
    reference = store_handoff_ticket(engine, callback())
    assert set_ticket_status(engine, "CB-ZZZZZZ", "closed") is False
    with pytest.raises(ValueError, match="unknown status"):
        set_ticket_status(engine, reference, "done")
    row = get_handoff_ticket(engine, reference)
    assert row is not None and row["status"] == "new"


def test_the_staff_notification_is_recorded(engine: Engine) -> None:
    sent = store_handoff_ticket(engine, callback("visitor-1"))
    failed = store_handoff_ticket(engine, callback("visitor-2"))
    mark_ticket_notification(engine, sent.lower(), None)
    mark_ticket_notification(engine, failed, "webhook answered HTTP 500")
    sent_row, failed_row = (get_handoff_ticket(engine, ref) for ref in (sent, failed))
    assert sent_row is not None and failed_row is not None
    assert sent_row["notified_at"] is not None and sent_row["notify_error"] is None
    assert failed_row["notified_at"] is None
    assert failed_row["notify_error"] == "webhook answered HTTP 500"


def test_a_live_ticket_is_taken_once_and_ends_once(engine: Engine) -> None:
    reference = store.store_handoff_ticket(
        engine, store.HandoffTicket("visitor-1", "live", "visitor_asked")
    )
    soon = datetime.now(timezone.utc) + timedelta(seconds=5)
    assert store.unanswered_live_tickets(engine, soon) == [reference]
    assert store.open_live_ticket(engine, "visitor-1")["reference"] == reference
    assert store.assign_live_ticket(engine, reference, "dana")
    assert not store.assign_live_ticket(engine, reference, "sam"), "already taken"
    assert store.unanswered_live_tickets(engine, soon) == []
    assert store.close_live_ticket(engine, reference, "handed_back")
    assert not store.close_live_ticket(engine, reference, "closed_by_staff")
    ticket = store.get_handoff_ticket(engine, reference)
    assert (ticket["status"], ticket["outcome"], ticket["assigned_to"]) == (
        "closed",
        "handed_back",
        "dana",
    )
    assert ticket["assigned_at"] <= ticket["closed_at"]
    assert store.open_live_ticket(engine, "visitor-1") is None
