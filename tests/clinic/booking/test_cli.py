from __future__ import annotations

import csv
import io
import stat
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy.engine import Engine

from clinic.booking.cli import main
from clinic.store.booking_requests import (
    BookingRequest,
    get_booking_request,
    set_booking_status,
    store_booking_request,
)
from clinic.store.db import make_engine
from clinic.store.migrate import alembic_config, upgrade

CONSENT = datetime(2026, 11, 28, 9, 30, tzinfo=timezone.utc)
LONG_HOPES = "to feel less flat in the mornings and to understand what a course means"


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    upgrade(url)
    return url


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    yield engine
    engine.dispose()


def store(engine: Engine, first_name: str, contact: str, hopes: str = "") -> str:
    kind = "email" if "@" in contact else "phone"
    return store_booking_request(
        engine,
        BookingRequest(
            conversation_id=f"conversation-{first_name}",
            first_name=first_name,
            contact_kind=kind,
            contact=contact,
            preferred_days="Tue/Thu",
            preferred_time="after 5pm",
            hopes=hopes,
            consent_at=CONSENT,
        ),
    )


def run(url: str, *args: str) -> int:
    return main(["--database-url", url, *args])


def test_listing_an_empty_database(url: str, capsys: pytest.CaptureFixture) -> None:
    assert run(url, "list") == 0
    assert capsys.readouterr().out == "No booking requests with status new.\n"


def test_listing_shows_new_requests_as_a_table(
    url: str, engine: Engine, capsys: pytest.CaptureFixture
) -> None:
    sam = store(engine, "Sam", "+12025550143", LONG_HOPES)
    alex = store(engine, "Alex", "alex@example.org", "less anxiety")
    closed = store(engine, "Jo", "jo@example.org")
    set_booking_status(engine, closed, "closed")

    assert run(url, "list") == 0
    header, first, second, blank, total = capsys.readouterr().out.splitlines()
    assert header.split() == [
        "REFERENCE",
        "CREATED",
        "STATUS",
        "FIRST",
        "NAME",
        "CONTACT",
        "DAYS",
        "TIME",
        "HOPES",
    ]
    assert first.startswith(sam) and second.startswith(alex)
    for text in ("new", "Sam", "+12025550143", "Tue/Thu", "after 5pm"):
        assert text in first
    assert "alex@example.org" in second and second.endswith("less anxiety")
    assert LONG_HOPES not in first and first.endswith("…")
    created = first.split()[1:3]
    assert datetime.strptime(" ".join(created), "%Y-%m-%d %H:%M")
    assert (blank, total) == ("", "2 booking requests with status new.")


def test_listing_another_status(
    url: str, engine: Engine, capsys: pytest.CaptureFixture
) -> None:
    store(engine, "Sam", "+12025550143")
    closed = store(engine, "Jo", "jo@example.org")
    set_booking_status(engine, closed, "closed")

    assert main(["list", "--status", "closed", "--database-url", url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:-2]] == [closed]
    assert lines[-1] == "1 booking request with status closed."

    assert run(url, "list", "--status", "all") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 booking requests."

    assert run(url, "list", "--status", "contacted") == 0
    assert capsys.readouterr().out == "No booking requests with status contacted.\n"


def test_control_characters_never_reach_the_terminal(
    url: str, engine: Engine, capsys: pytest.CaptureFixture
) -> None:
    reference = store(engine, "Sam\x1b[2J", "+12025550143", "calm\x9b31m\nplease")
    assert run(url, "list") == 0
    assert run(url, "show", reference) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out
    assert "Sam\N{REPLACEMENT CHARACTER}[2J" in out


def test_show_prints_every_field(
    url: str, engine: Engine, capsys: pytest.CaptureFixture
) -> None:
    reference = store(engine, "Sam", "+12025550143", "first line\nsecond line")
    set_booking_status(engine, reference, "contacted", "left a voicemail")

    assert run(url, "show", reference.lower().removeprefix("bk-")) == 0
    out = capsys.readouterr().out
    fields = dict(
        line.split(":", 1) for line in out.splitlines() if not line.startswith(" ")
    )
    assert {label: value.strip() for label, value in fields.items()} == {
        "Reference": reference,
        "Status": "contacted",
        "Status changed": fields["Status changed"].strip(),
        "Staff note": "left a voicemail",
        "Created": fields["Created"].strip(),
        "First name": "Sam",
        "Contact by": "phone",
        "Contact": "+12025550143",
        "Preferred days": "Tue/Thu",
        "Preferred time": "after 5pm",
        "Hopes": "first line",
        "Consent given": CONSENT.astimezone().isoformat(sep=" "),
        "Conversation": "conversation-Sam",
        "Staff notified": "-",
        "Notify error": "-",
    }
    assert fields["Status changed"].strip() != "-"
    assert "\n                second line\n" in out


def test_show_of_an_unknown_reference(url: str, capsys: pytest.CaptureFixture) -> None:
    assert run(url, "show", "bk-zzzzzz") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "No booking request with reference BK-ZZZZZZ.\n"


def test_mark_records_the_status_and_says_what_changed(
    url: str, engine: Engine, capsys: pytest.CaptureFixture
) -> None:
    reference = store(engine, "Sam", "+12025550143")

    assert run(url, "mark", reference, "contacted", "--note", "left a voicemail") == 0
    assert capsys.readouterr().out == (
        f"{reference}: status new -> contacted.\n"
        f"{reference}: staff note set to: left a voicemail\n"
    )
    assert run(url, "mark", reference.lower(), "contacted", "--note", "booked") == 0
    assert capsys.readouterr().out == (
        f"{reference}: status stays contacted.\n"
        f"{reference}: staff note set to: booked (was: left a voicemail)\n"
    )
    assert run(url, "mark", reference, "closed") == 0
    assert capsys.readouterr().out == f"{reference}: status contacted -> closed.\n"

    row = get_booking_request(engine, reference)
    assert row is not None
    assert (row["status"], row["staff_note"]) == ("closed", "booked")


def test_mark_of_an_unknown_reference_fails(
    url: str, engine: Engine, capsys: pytest.CaptureFixture
) -> None:
    reference = store(engine, "Sam", "+12025550143")
    assert run(url, "mark", "BK-ZZZZZZ", "closed") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "No booking request with reference BK-ZZZZZZ.\n"
    row = get_booking_request(engine, reference)
    assert row is not None and row["status"] == "new"


def test_mark_refuses_an_unknown_status(url: str, engine: Engine) -> None:
    reference = store(engine, "Sam", "+12025550143")
    with pytest.raises(SystemExit) as exit_info:
        run(url, "mark", reference, "done")
    assert exit_info.value.code == 2


def test_export_to_a_file(
    url: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    sam = store(engine, "Sam", "+12025550143")
    alex = store(engine, "=Alex", "alex@example.org", "a, b and\nc")
    set_booking_status(engine, alex, "contacted")
    out = tmp_path / "requests.csv"

    assert run(url, "export", "--out", str(out)) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"Exported 2 booking requests (status all) to {out}.\n"
    with out.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [(row["reference"], row["status"]) for row in rows] == [
        (sam, "new"),
        (alex, "contacted"),
    ]
    assert (rows[1]["first_name"], rows[1]["hopes"]) == ("'=Alex", "a, b and\nc")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_export_to_stdout_by_status(
    url: str, engine: Engine, capsys: pytest.CaptureFixture
) -> None:
    store(engine, "Sam", "+12025550143")
    alex = store(engine, "Alex", "alex@example.org")
    set_booking_status(engine, alex, "contacted")

    assert run(url, "export", "--status", "contacted") == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out, newline="")))
    assert [(row["reference"], row["contact"]) for row in rows] == [
        (alex, "alex@example.org")
    ]
    assert captured.err == (
        "Exported 1 booking request (status contacted) to standard output.\n"
    )


def test_a_database_without_the_table_asks_for_migrations(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0001")

    assert run(url, "list") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"The database at {url} has no booking requests table. "
        "Run `make migrate` first.\n"
    )


def test_a_missing_database_file_is_reported_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "nowhere.db"
    assert run(f"sqlite:///{path}", "export") == 2
    assert "Run `make migrate` first." in capsys.readouterr().err
    assert not path.exists()


def test_an_unreachable_database_is_one_line_not_a_traceback(
    capsys: pytest.CaptureFixture,
) -> None:
    # Port 1 refuses connections at once: no PostgreSQL is needed for this.
    assert run("postgresql://staff:secret@127.0.0.1:1/clinic", "list") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("Database error: ")
    assert captured.err.count("\n") == 1
    assert "secret" not in captured.err
