from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy.engine import Engine

from clinic.handoff.cli import main
from clinic.store.db import make_engine
from clinic.store.handoff_tickets import (
    HandoffTicket,
    get_handoff_ticket,
    set_ticket_status,
    store_handoff_ticket,
)
from clinic.store.migrate import alembic_config, upgrade

LONG_MESSAGE = "whether I can keep taking my usual medication before the first session"


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


def callback(engine: Engine, first_name: str, contact: str, message: str = "") -> str:
    kind = "email" if "@" in contact else "phone"
    return store_handoff_ticket(
        engine,
        HandoffTicket(
            conversation_id=f"conversation-{first_name}",
            kind="callback",
            reason="visitor_asked",
            first_name=first_name,
            contact_kind=kind,
            contact=contact,
            message=message,
        ),
    )


def live(engine: Engine) -> str:
    return store_handoff_ticket(
        engine, HandoffTicket("conversation-live", kind="live", reason="after_crisis")
    )


def run(url: str, *args: str) -> int:
    return main(["--database-url", url, *args])


def test_listing_an_empty_database(url: str, capsys: pytest.CaptureFixture) -> None:
    assert run(url, "list") == 0
    assert capsys.readouterr().out == "No handoff tickets with status new.\n"


def test_listing_shows_new_tickets_as_a_table(
    url: str, engine: Engine, capsys: pytest.CaptureFixture
) -> None:
    sam = callback(engine, "Sam", "+12025550143", LONG_MESSAGE)
    chat = live(engine)
    closed = callback(engine, "Jo", "jo@example.org")
    set_ticket_status(engine, closed, "closed")

    assert run(url, "list") == 0
    header, first, second, blank, total = capsys.readouterr().out.splitlines()
    assert header.split() == [
        "REFERENCE",
        "CREATED",
        "KIND",
        "REASON",
        "STATUS",
        "ASSIGNED",
        "FIRST",
        "NAME",
        "CONTACT",
        "MESSAGE",
    ]
    assert first.startswith(sam) and second.startswith(chat)
    for text in ("callback", "visitor_asked", "new", "Sam", "+12025550143"):
        assert text in first
    assert LONG_MESSAGE not in first and first.endswith("…")
    assert LONG_MESSAGE[:30] in first
    assert second.split()[3:] == ["live", "after_crisis", "new"]
    created = first.split()[1:3]
    assert datetime.strptime(" ".join(created), "%Y-%m-%d %H:%M")
    assert (blank, total) == ("", "2 handoff tickets with status new.")


def test_listing_by_status_and_kind(
    url: str, engine: Engine, capsys: pytest.CaptureFixture
) -> None:
    sam = callback(engine, "Sam", "+12025550143")
    chat = live(engine)
    closed = callback(engine, "Jo", "jo@example.org")
    set_ticket_status(engine, closed, "closed")

    assert main(["list", "--status", "closed", "--database-url", url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:-2]] == [closed]
    assert lines[-1] == "1 handoff ticket with status closed."

    assert run(url, "list", "--status", "all", "--kind", "callback") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:-2]] == [sam, closed]
    assert lines[-1] == "2 callback handoff tickets."

    assert run(url, "list", "--kind", "live") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:-2]] == [chat]

    assert run(url, "list", "--status", "assigned", "--kind", "live") == 0
    assert capsys.readouterr().out == (
        "No live handoff tickets with status assigned.\n"
    )


def test_control_characters_never_reach_the_terminal(
    url: str, engine: Engine, capsys: pytest.CaptureFixture
) -> None:
    reference = callback(engine, "Sam\x1b[2J", "+12025550143", "call\x9b31m\nme")
    assert run(url, "list") == 0
    assert run(url, "show", reference) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out
    assert "Sam\N{REPLACEMENT CHARACTER}[2J" in out


def test_show_prints_every_field(
    url: str, engine: Engine, capsys: pytest.CaptureFixture
) -> None:
    reference = callback(engine, "Sam", "+12025550143", "first line\nsecond line")
    set_ticket_status(engine, reference, "assigned", "will call at 3", "Dr Lee")

    assert run(url, "show", reference.lower().removeprefix("cb-")) == 0
    out = capsys.readouterr().out
    fields = dict(
        line.split(":", 1) for line in out.splitlines() if not line.startswith(" ")
    )
    assert {label: value.strip() for label, value in fields.items()} == {
        "Reference": reference,
        "Kind": "callback",
        "Reason": "visitor_asked",
        "Status": "assigned",
        "Status changed": fields["Status changed"].strip(),
        "Assigned to": "Dr Lee",
        "Staff note": "will call at 3",
        "Created": fields["Created"].strip(),
        "First name": "Sam",
        "Contact by": "phone",
        "Contact": "+12025550143",
        "Message": "first line",
        "Conversation": "conversation-Sam",
        "Staff notified": "-",
        "Notify error": "-",
    }
    assert fields["Status changed"].strip() != "-"
    assert "\n                second line\n" in out


def test_show_of_a_live_ticket_marks_what_is_missing(
    url: str, engine: Engine, capsys: pytest.CaptureFixture
) -> None:
    reference = live(engine)
    assert run(url, "show", reference) == 0
    fields = dict(line.split(":", 1) for line in capsys.readouterr().out.splitlines())
    assert [fields[label].strip() for label in ("Kind", "Contact", "Message")] == [
        "live",
        "-",
        "-",
    ]


def test_show_of_an_unknown_reference(url: str, capsys: pytest.CaptureFixture) -> None:
    assert run(url, "show", "cb-zzzzzz") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "No handoff ticket with reference CB-ZZZZZZ.\n"


def test_mark_records_the_status_and_says_what_changed(
    url: str, engine: Engine, capsys: pytest.CaptureFixture
) -> None:
    reference = callback(engine, "Sam", "+12025550143")

    assert run(url, "mark", reference, "contacted", "--note", "left a voicemail") == 0
    assert capsys.readouterr().out == (
        f"{reference}: status new -> contacted.\n"
        f"{reference}: staff note set to: left a voicemail\n"
    )
    assert run(url, "mark", reference.lower(), "contacted", "--note", "spoke") == 0
    assert capsys.readouterr().out == (
        f"{reference}: status stays contacted.\n"
        f"{reference}: staff note set to: spoke (was: left a voicemail)\n"
    )
    assert run(url, "mark", reference, "closed") == 0
    assert capsys.readouterr().out == f"{reference}: status contacted -> closed.\n"

    row = get_handoff_ticket(engine, reference)
    assert row is not None
    assert (row["status"], row["staff_note"]) == ("closed", "spoke")


def test_mark_of_an_unknown_reference_fails(
    url: str, engine: Engine, capsys: pytest.CaptureFixture
) -> None:
    reference = callback(engine, "Sam", "+12025550143")
    assert run(url, "mark", "CB-ZZZZZZ", "closed") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "No handoff ticket with reference CB-ZZZZZZ.\n"
    row = get_handoff_ticket(engine, reference)
    assert row is not None and row["status"] == "new"


def test_mark_refuses_an_unknown_status(url: str, engine: Engine) -> None:
    reference = callback(engine, "Sam", "+12025550143")
    with pytest.raises(SystemExit) as exit_info:
        run(url, "mark", reference, "done")
    assert exit_info.value.code == 2
    row = get_handoff_ticket(engine, reference)
    assert row is not None and row["status"] == "new"


def test_a_database_without_the_table_asks_for_migrations(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0002")

    assert run(url, "list") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"The database at {url} has no handoff tickets table. "
        "Run `make migrate` first.\n"
    )


def test_a_missing_database_file_is_reported_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "nowhere.db"
    assert run(f"sqlite:///{path}", "show", "CB-ZZZZZZ") == 2
    assert capsys.readouterr().err == (
        f"There is no database at sqlite:///{path}. Run `make migrate` first.\n"
    )
    assert not path.exists()
