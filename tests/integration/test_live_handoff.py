"""Live handoff end to end: the real Rasa server, action server and staff console
over HTTP, with the visitor on the socket.io channel as in the website chat.

Live chat is open at every hour here (a clinic.yml of the test's own), so the
outcome depends only on whether a staff member is available.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from clinic.store.crisis_flags import list_crisis_flags
from clinic.store.handoff_tickets import get_handoff_ticket, list_handoff_tickets
from harness.live_chat import (
    PASSWORD,
    SITE,
    Console,
    SocketVisitor,
    StaffMember,
    console_server,
)
from harness.servers import Assistant


@contextmanager
def console_with_timeout(
    assistant: Assistant, env: dict[str, str], logs: Path, seconds: int
) -> Iterator[Console]:
    env = {**env, "HANDOFF_PICKUP_TIMEOUT_SECONDS": str(seconds)}
    with console_server(env, assistant.url, assistant.token, logs) as running:
        yield running


@pytest.fixture
def console(
    live_assistant: Assistant, live_chat_env: dict[str, str], server_logs: Path
) -> Iterator[Console]:
    with console_with_timeout(live_assistant, live_chat_env, server_logs, 120) as c:
        yield c


@pytest.fixture
def visitor(live_assistant: Assistant) -> Iterator[SocketVisitor]:
    visitor = SocketVisitor(live_assistant.url, origin=SITE)
    yield visitor
    visitor.close()


def signed_in(console: Console, username: str, available: bool) -> StaffMember:
    staff = StaffMember(console)
    assert staff.sign_in(username, PASSWORD).status_code == 302
    staff.post("/presence", available="yes" if available else "no")
    return staff


def open_ticket_of(database_url: str, conversation_id: str) -> dict:
    engine = create_engine(database_url)
    try:
        [ticket] = [
            t
            for t in list_handoff_tickets(engine)
            if t["conversation_id"] == conversation_id
        ]
        return ticket
    finally:
        engine.dispose()


def ticket_now(database_url: str, reference: str) -> dict:
    engine = create_engine(database_url)
    try:
        ticket = get_handoff_ticket(engine, reference)
        assert ticket is not None
        return ticket
    finally:
        engine.dispose()


def assert_unanswered(assistant: Assistant, visitor: SocketVisitor, text: str) -> None:
    """The assistant handled the message and said nothing: read from the stored
    conversation once its turn is over (the action_listen after it), rather than
    by waiting a while and hearing nothing."""
    deadline = time.monotonic() + 20
    while True:
        events = assistant.tracker(visitor.session_id)["events"]
        said = [
            index
            for index, event in enumerate(events)
            if event["event"] == "user" and event.get("text") == text
        ]
        after = events[said[-1] + 1 :] if said else []
        if any(e["event"] == "action" and e["name"] == "action_listen" for e in after):
            break
        assert time.monotonic() < deadline, f"{text!r} was not handled in 20 s"
        time.sleep(0.1)
    assert [e for e in after if e["event"] == "bot"] == []
    assert visitor.received.empty()


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def test_a_staff_member_joins_replies_and_hands_back(
    console: Console, visitor: SocketVisitor, live_assistant: Assistant
) -> None:
    dana = signed_in(console, "dana", available=True)

    visitor.say("can I talk to a real person please")
    waiting = visitor.wait_for_text("asked")
    assert "usually joins within about 3 minutes" in texts(waiting)
    assert any(
        button["payload"] == "/end_handoff"
        for message in waiting
        for button in message.get("quick_replies") or message.get("buttons") or []
    ), waiting

    # The ticket appears in the live queue without reloading.
    queue = dana.wait_in_stream(
        "/live/queue",
        lambda s: any(t["kind"] == "live" for t in s["tickets"]),
    )
    [ticket] = [t for t in queue["tickets"] if t["kind"] == "live"]
    reference = ticket["reference"]
    assert ticket["status_text"] == "waiting for someone to join"

    # While waiting, the assistant does not answer: the message is for staff.
    # (A message that may signal risk, such as "I've been feeling worse", is
    # answered with crisis resources even now: the crisis test below.)
    visitor.say("I have a few questions about my insurance paperwork")
    assert_unanswered(
        live_assistant, visitor, "I have a few questions about my insurance paperwork"
    )

    page = dana.http.get(f"{console.url}/tickets/{reference}", timeout=10)
    assert "questions about my insurance paperwork" in page.text, "transcript"
    assert dana.post(f"/tickets/{reference}/take").json() == {"ok": True}
    assert "Dana from Harbor Light" in texts(visitor.wait_for_text("has joined"))

    assert dana.post(f"/tickets/{reference}/reply", text="Hi, I'm Dana.").ok
    [reply] = visitor.wait_for(lambda m: m.get("staff_name") == "Dana")
    assert reply["text"] == "Hi, I'm Dana."

    visitor.say("thanks, what does a session cost?")
    # The assistant stays out of the staff chat.
    assert_unanswered(live_assistant, visitor, "thanks, what does a session cost?")
    snapshot = dana.wait_in_stream(
        f"/live/tickets/{reference}",
        lambda s: any("session cost" in line["text"] for line in s["transcript"]),
    )
    speakers = [line["speaker"] for line in snapshot["transcript"]]
    assert "staff" in speakers and speakers[-1] == "visitor"

    assert dana.post(f"/tickets/{reference}/handback").json() == {"ok": True}
    assert "handed you back" in texts(visitor.wait_for_text("handed you back"))
    assert ticket_now(console.database_url, reference)["outcome"] == "handed_back"

    visitor.say("how long does an infusion session take?")
    answer = visitor.wait_for(lambda m: bool(m.get("text")))
    assert "minutes" in texts(answer), "the assistant answers again"


def test_a_crisis_during_the_staff_chat_still_gets_resources_and_alerts_staff(
    console: Console, visitor: SocketVisitor
) -> None:
    dana = signed_in(console, "dana", available=True)
    visitor.say("i want to talk to a human")
    visitor.wait_for_text("asked")
    reference = open_ticket_of(console.database_url, visitor.session_id)["reference"]
    assert dana.post(f"/tickets/{reference}/take").json() == {"ok": True}
    visitor.wait_for_text("has joined")

    visitor.say("honestly I don't want to be alive anymore")
    messages = visitor.wait_for_text("I've alerted Dana", timeout=20)
    assert "988" in texts(messages), "the crisis line, at once"

    snapshot = dana.wait_in_stream(
        f"/live/tickets/{reference}",
        lambda s: any(line["crisis"] for line in s["transcript"]),
    )
    assert snapshot["ticket"]["status"] == "assigned", "Dana is still in the chat"
    engine = create_engine(console.database_url)
    try:
        flags = list_crisis_flags(engine, conversation_id=visitor.session_id)
    finally:
        engine.dispose()
    assert [flag["message"] for flag in flags] == [
        "honestly I don't want to be alive anymore"
    ]
    assert dana.post(f"/tickets/{reference}/close").json() == {"ok": True}
    visitor.wait_for_text("has ended the chat")


def test_with_nobody_available_the_visitor_can_leave_a_call_back_request(
    console: Console, visitor: SocketVisitor
) -> None:
    for username in ("dana", "sam"):
        signed_in(console, username, available=False)
    visitor.say("can someone from the clinic talk to me")
    offer = visitor.wait_for_text("call-back")
    assert "nobody from Harbor Light" in texts(offer)
    visitor.say("/affirm")
    visitor.wait_for_text("first name")
    visitor.say("Robin")
    visitor.wait_for_text("phone number or email")
    visitor.say("robin@example.org")
    visitor.wait_for_text("what would you like to talk about")
    visitor.say("skip")
    visitor.wait_for_text("your reference is")
    ticket = open_ticket_of(console.database_url, visitor.session_id)
    assert (ticket["kind"], ticket["contact"]) == ("callback", "robin@example.org")


def test_the_visitor_can_end_the_wait(console: Console, visitor: SocketVisitor) -> None:
    signed_in(console, "dana", available=True)
    visitor.say("I'd like to speak to a nurse")
    visitor.wait_for_text("asked")
    visitor.say("/end_handoff")
    visitor.wait_for_text("you've ended the chat")
    ticket = open_ticket_of(console.database_url, visitor.session_id)
    assert (ticket["status"], ticket["outcome"]) == ("closed", "ended_by_visitor")


@pytest.fixture
def impatient_console(
    live_assistant: Assistant, live_chat_env: dict[str, str], server_logs: Path
) -> Iterator[Console]:
    with console_with_timeout(live_assistant, live_chat_env, server_logs, 3) as c:
        yield c


def test_a_chat_nobody_takes_turns_into_a_call_back_offer(
    impatient_console: Console, visitor: SocketVisitor
) -> None:
    signed_in(impatient_console, "dana", available=True)
    visitor.say("please put me through to a staff member")
    visitor.wait_for_text("asked")
    offer = visitor.wait_for_text("nobody from the team has been able to join", 30)
    assert "call-back" in texts(offer)
    ticket = open_ticket_of(impatient_console.database_url, visitor.session_id)
    assert ticket["outcome"] == "timed_out"
    visitor.say("yes please")
    visitor.wait_for_text("first name")
