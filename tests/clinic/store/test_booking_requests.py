from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from clinic.store import booking_requests as store
from clinic.store.booking_requests import (
    STATUSES,
    BookingRequest,
    export_booking_requests_csv,
    get_booking_request,
    list_booking_requests,
    mark_booking_notification,
    new_reference,
    set_booking_status,
    store_booking_request,
)
from clinic.store.crisis_flags import CrisisFlag, list_crisis_flags, record_crisis_flag
from clinic.store.db import make_engine
from clinic.store.migrate import alembic_config, upgrade
from clinic.store.models import metadata

CONSENT = datetime(2026, 11, 28, 9, 30, 15, 123456, tzinfo=timezone.utc)
REFERENCE = re.compile(r"BK-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}")


def booking(conversation_id: str = "visitor-1", **changes: object) -> BookingRequest:
    request = BookingRequest(
        conversation_id=conversation_id,
        first_name="Sam",
        contact_kind="phone",
        contact="+12025550143",
        preferred_days="Monday or Tuesday",
        preferred_time="mornings",
        hopes="less anxiety",
        consent_at=CONSENT,
    )
    return dataclasses.replace(request, **changes)


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_migrations_create_the_table_with_a_unique_reference(engine: Engine) -> None:
    inspector = inspect(engine)
    assert "booking_requests" in inspector.get_table_names()
    indexes = {
        index["name"]: index for index in inspector.get_indexes("booking_requests")
    }
    assert indexes["ix_booking_requests_reference"]["unique"]
    assert indexes["ix_booking_requests_conversation_id"]["column_names"] == [
        "conversation_id"
    ]


def test_the_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_upgrading_from_0001_keeps_the_crisis_flags(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "0001")
    engine = make_engine(database_url)
    assert "booking_requests" not in inspect(engine).get_table_names()
    with engine.begin() as connection:  # a row as revision 0001 wrote it
        connection.execute(
            text(
                "INSERT INTO crisis_flags (created_at, conversation_id, message)"
                " VALUES (CURRENT_TIMESTAMP, 'visitor-1', 'i want to end it')"
            )
        )
    upgrade(database_url)
    assert "booking_requests" in inspect(engine).get_table_names()
    assert [row["message"] for row in list_crisis_flags(engine)] == ["i want to end it"]
    engine.dispose()


def test_downgrading_to_0001_drops_only_the_booking_table(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    record_crisis_flag(engine, CrisisFlag("visitor-1", "help"))
    command.downgrade(alembic_config(database_url), "0001")
    assert "booking_requests" not in inspect(engine).get_table_names()
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM crisis_flags"))
        assert count.scalar() == 1
    engine.dispose()


def test_a_request_is_stored_and_read_back(engine: Engine) -> None:
    before = datetime.now(timezone.utc)
    reference = store_booking_request(engine, booking())
    row = get_booking_request(engine, reference)
    assert row is not None
    assert {
        key: row[key]
        for key in (
            "reference",
            "conversation_id",
            "first_name",
            "contact_kind",
            "contact",
            "preferred_days",
            "preferred_time",
            "hopes",
            "consent_at",
            "status",
            "status_changed_at",
            "staff_note",
        )
    } == {
        "reference": reference,
        "conversation_id": "visitor-1",
        "first_name": "Sam",
        "contact_kind": "phone",
        "contact": "+12025550143",
        "preferred_days": "Monday or Tuesday",
        "preferred_time": "mornings",
        "hopes": "less anxiety",
        "consent_at": CONSENT,
        "status": "new",
        "status_changed_at": None,
        "staff_note": None,
    }
    assert before <= row["created_at"] <= datetime.now(timezone.utc)


def test_consent_given_in_another_time_zone_keeps_its_instant(engine: Engine) -> None:
    # SQLite stores no offset: a 10:00+02:00 kept as 10:00 would read back as UTC.
    consent = datetime(2026, 11, 28, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    reference = store_booking_request(engine, booking(consent_at=consent))
    row = get_booking_request(engine, reference)
    assert row is not None
    assert row["consent_at"] == consent
    assert row["consent_at"].utcoffset() == timedelta(0)


def test_overlong_free_text_is_stored_cut_to_fit(engine: Engine) -> None:
    # PostgreSQL would refuse these outright; SQLite would keep them whole.
    reference = store_booking_request(
        engine,
        booking(
            first_name="S" * 100, preferred_days="d" * 200, preferred_time="t" * 90
        ),
    )
    row = get_booking_request(engine, reference)
    assert row is not None
    assert (
        len(row["first_name"]),
        len(row["preferred_days"]),
        len(row["preferred_time"]),
    ) == (80, 120, 60)


def test_references_are_readable_over_the_phone() -> None:
    references = {new_reference() for _ in range(2000)}
    assert all(REFERENCE.fullmatch(reference) for reference in references)
    assert not set("".join(references)) & set("0O1IL")
    assert len(references) > 1990  # 31**6 codes: a repeat here would be a bug


def test_stored_references_are_distinct(engine: Engine) -> None:
    references = [
        store_booking_request(engine, booking(f"visitor-{n}")) for n in range(5)
    ]
    assert len(set(references)) == 5
    assert all(REFERENCE.fullmatch(reference) for reference in references)


def test_a_reference_is_found_in_any_case_and_without_its_prefix(
    engine: Engine,
) -> None:
    reference = store_booking_request(engine, booking())
    code = reference.removeprefix("BK-")
    for typed in (reference.lower(), code, code.lower(), f" bk {code} ", f"BK{code}"):
        row = get_booking_request(engine, typed)
        assert row is not None and row["reference"] == reference, typed
    assert get_booking_request(engine, "BK-ZZZZZZ") is None


def test_a_taken_reference_is_replaced_by_a_fresh_one(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = store_booking_request(engine, booking("visitor-1"))
    drawn = iter([taken, "BK-ZZZZZZ"])
    monkeypatch.setattr(store, "new_reference", lambda: next(drawn))
    assert store_booking_request(engine, booking("visitor-2")) == "BK-ZZZZZZ"
    assert [row["conversation_id"] for row in list_booking_requests(engine)] == [
        "visitor-1",
        "visitor-2",
    ]


def test_storing_gives_up_after_five_taken_references(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = store_booking_request(sqlite_engine, booking("visitor-1"))
    drawn: list[str] = []
    monkeypatch.setattr(store, "new_reference", lambda: drawn.append(taken) or taken)
    with pytest.raises(IntegrityError):
        store_booking_request(sqlite_engine, booking("visitor-2"))
    assert len(drawn) == 5
    assert len(list_booking_requests(sqlite_engine)) == 1


def test_other_integrity_errors_are_not_retried(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[str] = []
    monkeypatch.setattr(
        store, "new_reference", lambda: drawn.append("BK-ZZZZZZ") or "BK-ZZZZZZ"
    )
    with pytest.raises(IntegrityError):
        store_booking_request(engine, booking(contact=None))
    assert len(drawn) == 1
    assert list_booking_requests(engine) == []


def test_requests_are_listed_oldest_first_by_status(engine: Engine) -> None:
    references = [
        store_booking_request(engine, booking(f"visitor-{n}")) for n in range(3)
    ]
    assert set_booking_status(engine, references[1], "contacted")

    def listed(status: str | None) -> list[str]:
        return [row["reference"] for row in list_booking_requests(engine, status)]

    assert listed(None) == references
    assert listed("new") == [references[0], references[2]]
    assert listed("contacted") == [references[1]]
    assert listed("closed") == []
    with pytest.raises(ValueError, match="unknown status"):
        list_booking_requests(engine, "open")


def test_status_and_note_are_recorded(engine: Engine) -> None:
    reference = store_booking_request(engine, booking())
    assert set_booking_status(engine, reference, "contacted", "left a voicemail")
    contacted = get_booking_request(engine, reference)
    assert contacted is not None
    assert (contacted["status"], contacted["staff_note"]) == (
        "contacted",
        "left a voicemail",
    )
    assert contacted["status_changed_at"] is not None

    assert set_booking_status(engine, reference.lower(), "closed")
    closed = get_booking_request(engine, reference)
    assert closed is not None
    assert (closed["status"], closed["staff_note"]) == ("closed", "left a voicemail")
    assert closed["status_changed_at"] > contacted["status_changed_at"]

    assert set_booking_status(engine, reference, "closed", "booked for 3 Dec")
    noted = get_booking_request(engine, reference)
    assert noted is not None
    assert noted["staff_note"] == "booked for 3 Dec"
    assert noted["status_changed_at"] == closed["status_changed_at"]


def test_an_unknown_reference_or_status_changes_nothing(engine: Engine) -> None:
    reference = store_booking_request(engine, booking())
    assert set_booking_status(engine, "BK-ZZZZZZ", "closed") is False
    with pytest.raises(ValueError, match="unknown status"):
        set_booking_status(engine, reference, "done")
    row = get_booking_request(engine, reference)
    assert row is not None and row["status"] == "new"
    assert STATUSES == ("new", "contacted", "closed")


def test_the_staff_notification_is_recorded(engine: Engine) -> None:
    sent = store_booking_request(engine, booking("visitor-1"))
    failed = store_booking_request(engine, booking("visitor-2"))
    mark_booking_notification(engine, sent, None)
    mark_booking_notification(engine, failed, "webhook answered HTTP 500")
    sent_row, failed_row = (get_booking_request(engine, ref) for ref in (sent, failed))
    assert sent_row is not None and failed_row is not None
    assert sent_row["notified_at"] is not None and sent_row["notify_error"] is None
    assert failed_row["notified_at"] is None
    assert failed_row["notify_error"] == "webhook answered HTTP 500"


def exported(engine: Engine, status: str | None = None) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    count = export_booking_requests_csv(engine, out, status)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert count == len(rows)
    return rows


def test_the_csv_export_has_the_agreed_columns(engine: Engine) -> None:
    reference = store_booking_request(engine, booking())
    set_booking_status(engine, reference, "contacted", "called, booked")
    out = io.StringIO(newline="")
    assert export_booking_requests_csv(engine, out) == 1
    header, row = csv.reader(io.StringIO(out.getvalue(), newline=""))
    assert header == [
        "reference",
        "created_at",
        "status",
        "first_name",
        "contact_kind",
        "contact",
        "preferred_days",
        "preferred_time",
        "hopes",
        "consent_at",
        "status_changed_at",
        "staff_note",
    ]
    values = dict(zip(header, row, strict=True))
    assert values["reference"] == reference
    assert values["status"] == "contacted"
    assert values["contact"] == "+12025550143"
    assert values["preferred_days"] == "Monday or Tuesday"
    assert values["staff_note"] == "called, booked"
    assert values["consent_at"] == "2026-11-28T09:30:15+00:00"
    for column in ("created_at", "status_changed_at"):
        assert datetime.fromisoformat(values[column]).utcoffset() == timedelta(0)


def test_the_csv_export_filters_by_status(engine: Engine) -> None:
    first = store_booking_request(engine, booking("visitor-1"))
    second = store_booking_request(engine, booking("visitor-2"))
    set_booking_status(engine, second, "closed")
    assert [row["reference"] for row in exported(engine)] == [first, second]
    assert [row["reference"] for row in exported(engine, "closed")] == [second]
    assert exported(engine, "contacted") == []


def test_the_csv_export_defuses_spreadsheet_formulas(sqlite_engine: Engine) -> None:
    reference = store_booking_request(
        sqlite_engine,
        booking(
            first_name='=HYPERLINK("http://evil")',
            preferred_days="+1 week",
            preferred_time="-2+3",
            hopes="@SUM(A1)",
        ),
    )
    set_booking_status(sqlite_engine, reference, "closed", "\t=1+1")
    tabbed = store_booking_request(
        sqlite_engine, booking(first_name="\rx", hopes="calm - less worry =)")
    )
    email = store_booking_request(
        sqlite_engine, booking(contact_kind="email", contact="=cmd@example.org")
    )
    rows = {row["reference"]: row for row in exported(sqlite_engine)}
    assert [
        rows[reference][column]
        for column in (
            "first_name",
            "preferred_days",
            "preferred_time",
            "hopes",
            "staff_note",
            "contact",
        )
    ] == [
        '\'=HYPERLINK("http://evil")',
        "'+1 week",
        "'-2+3",
        "'@SUM(A1)",
        "'\t=1+1",
        "+12025550143",
    ]
    assert (rows[tabbed]["first_name"], rows[tabbed]["hopes"]) == (
        "'\rx",
        "calm - less worry =)",
    )
    assert rows[email]["contact"] == "'=cmd@example.org"
