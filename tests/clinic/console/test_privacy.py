"""A visitor's data through the real servers (issue 24, item 8): a visitor books
and discloses risk in a real conversation; an administrator finds it all by the
booking reference in the console, exports it and erases it; the Rasa server then
holds nothing of that conversation, another visitor keeps everything, and staff
cannot reach the page at all."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from clinic.privacy.conversations import events
from clinic.store.models import booking_requests, crisis_flags
from harness.conversation import Visitor
from harness.live_chat import (
    Console,
    StaffMember,
    console_server,
    create_staff_account,
)
from harness.servers import Assistant, base_environment
from tests.clinic.console.conftest import PASSWORD
from tests.integration.test_booking_storage import fill_in_the_form

REFERENCE = re.compile(r"\bBK-[A-Z0-9]{6}\b")


@pytest.fixture(scope="module")
def console(assistant: Assistant, server_logs: Path) -> Iterator[Console]:
    """A console on the assistant's own database, as `make run` starts it."""
    url = assistant.database_url
    create_staff_account(url, "privacy-admin", "Pat", PASSWORD, "admin")
    create_staff_account(url, "privacy-staff", "Sue", PASSWORD, "staff")
    env = base_environment(url)
    with console_server(env, assistant.url, assistant.token, server_logs) as running:
        yield running


@pytest.fixture(scope="module")
def admin(console: Console) -> StaffMember:
    member = StaffMember(console)
    assert member.sign_in("privacy-admin", PASSWORD).status_code == 302
    return member


@pytest.fixture(scope="module")
def staff(console: Console) -> StaffMember:
    member = StaffMember(console)
    assert member.sign_in("privacy-staff", PASSWORD).status_code == 302
    return member


def booked(assistant: Assistant) -> tuple[Visitor, str]:
    visitor = Visitor(assistant)
    fill_in_the_form(visitor)
    [reference] = REFERENCE.findall(visitor.say("yes").text)
    visitor.say("honestly some nights i want to end my life")
    return visitor, reference


def stored(assistant: Assistant, conversation_id: str) -> dict[str, int]:
    engine = create_engine(assistant.database_url)
    try:
        with engine.connect() as connection:
            return {
                table.name: len(
                    connection.execute(
                        select(table).where(table.c.conversation_id == conversation_id)
                    ).all()
                )
                for table in (booking_requests, crisis_flags)
            } | {
                "events": len(
                    connection.execute(
                        select(events).where(events.c.sender_id == conversation_id)
                    ).all()
                )
            }
    finally:
        engine.dispose()


def user_messages(assistant: Assistant, conversation_id: str) -> list[str]:
    tracker = assistant.tracker(conversation_id)
    return [e.get("text") for e in tracker["events"] if e["event"] == "user"]


def test_staff_cannot_reach_a_visitors_data(staff: StaffMember) -> None:
    url = staff.console.url
    assert staff.http.get(f"{url}/privacy?key=BK-AAAAAA", timeout=10).status_code == 403
    for path in ("/privacy/export", "/privacy/erase"):
        response = staff.post(path, key="BK-AAAAAA", confirm="BK-AAAAAA")
        assert response.status_code == 403


def test_an_administrator_exports_and_erases_one_visitor(
    assistant: Assistant, admin: StaffMember
) -> None:
    visitor, reference = booked(assistant)
    other, _ = booked(assistant)
    before_other = stored(assistant, other.sender)
    assert stored(assistant, visitor.sender)["crisis_flags"] == 1

    page = admin.http.get(
        f"{admin.console.url}/privacy", params={"key": reference}, timeout=10
    )
    assert page.status_code == 200 and visitor.sender in page.text

    export = admin.post("/privacy/export", key=reference)
    assert export.status_code == 200
    assert "attachment" in export.headers["Content-Disposition"]
    tables = export.json()["tables"]
    said = [e["data"].get("text") for e in tables["events"] if e["type_name"] == "user"]
    assert "alex@example.org" in said
    assert "honestly some nights i want to end my life" in said
    assert [row["reference"] for row in tables["booking_requests"]] == [reference]
    assert len(tables["crisis_flags"]) == 1

    not_confirmed = admin.post("/privacy/erase", key=reference, confirm="yes")
    assert not_confirmed.status_code == 400
    assert stored(assistant, visitor.sender)["booking_requests"] == 1

    erased = admin.post("/privacy/erase", key=reference, confirm=reference)
    assert erased.status_code == 302

    assert set(stored(assistant, visitor.sender).values()) == {0}
    # The Rasa server forgets it too (its cache of recent conversations included).
    assert user_messages(assistant, visitor.sender) == []
    assert stored(assistant, other.sender) == before_other
    assert "alex@example.org" in user_messages(assistant, other.sender)
    gone = admin.http.get(
        f"{admin.console.url}/privacy", params={"key": reference}, timeout=10
    )
    assert "Nothing is stored" in gone.text
