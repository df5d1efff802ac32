"""The scaled topology through nginx (issue 21, items 1 and 3): what
`make cluster` starts (clinic/cluster/topology.py), two Rasa replicas and two
action servers behind nginx on a PostgreSQL database and Redis, with real
processes killed under it."""

from __future__ import annotations

import json
import os
import re
import stat
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine

from clinic.store.crisis_flags import list_crisis_flags
from harness.cluster import RunningCluster, cluster_on_fresh_databases
from harness.conversation import BOOKING_TURNS, Visitor, booking_requests_of
from harness.live_chat import (
    PASSWORD,
    Console,
    SocketVisitor,
    StaffMember,
    clinic_config_always_open,
    create_staff_account,
    staff_reply_through,
)
from harness.load import run_load, stored_events
from harness.servers import PROJECT_ROOT, clinic_settings

CRISIS = clinic_settings().crisis
RESULTS = PROJECT_ROOT / "results"
REFERENCE = re.compile(r"\bBK-[A-Z0-9]{6}\b")


@pytest.fixture(scope="module")
def group(
    model_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningCluster]:
    run_dir = tmp_path_factory.mktemp("cluster")
    # Live chat open at every hour, so the handoff test does not depend on the
    # time it runs; nobody is available until that test signs someone in.
    clinic_config = clinic_config_always_open(tmp_path_factory.mktemp("clinic"))
    env = {"CLINIC_CONFIG": str(clinic_config)}
    with cluster_on_fresh_databases(model_path, run_dir, env=env) as running:
        yield running


def upstreams_of(
    group: RunningCluster,
    request: str,
    whole: bool = False,
    including: frozenset[str] = frozenset(),
) -> set[str]:
    """The addresses nginx passed requests starting with ``request`` ("POST
    /conversations/") on to; ``whole``: that path exactly ("GET /login").
    nginx writes a request's line after its response has gone: the log is read
    again, for up to 5 s, until it holds the addresses ``including``."""
    end = "[ ?]" if whole else ""
    pattern = re.compile(rf'"{re.escape(request)}{end}[^"]*" \d+ (\S+)')
    deadline = time.monotonic() + 5
    while True:
        log = group.cluster.log("nginx-access").read_text(errors="replace")
        found = set(pattern.findall(log))
        if found >= including or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def replicas_that_answered(group: RunningCluster, path: str) -> set[str]:
    return upstreams_of(group, f"POST {path}")


def texts(messages: list[dict]) -> str:
    return "\n".join(message.get("text") or "" for message in messages)


def book(visitor: Visitor, turns: list[str]) -> list[str]:
    """Says each turn; returns the responses the assistant used, in order."""
    used = []
    for said in turns:
        reply = visitor.say(said)
        assert reply.messages, f"no answer to {said!r}"
        used += reply.responses
    return used


def test_visitors_are_answered_through_nginx_by_both_replicas(
    group: RunningCluster,
) -> None:
    for n in range(4):
        [answer] = group.front.send(f"cost-{n}", "how much does it cost")
        assert "$" in answer["text"]
    crisis = Visitor(group.front).say("i want to end my life").text
    assert CRISIS.short in crisis
    ports = {
        addr.rsplit(":", 1)[1]
        for addr in replicas_that_answered(group, "/webhooks/rest/webhook")
    }
    assert ports == {str(port) for port in group.cluster.topology.rasa_ports}


def test_the_console_and_the_demo_site_are_behind_nginx(
    group: RunningCluster,
) -> None:
    """One front door: staff and visitors reach the console and the demo page
    through nginx, and the page's chat widget talks to nginx too."""
    topology = group.cluster.topology
    login = requests.get(f"{topology.console_url}/login", timeout=10)
    assert login.ok and "csrf_token" in login.text
    page = requests.get(f"{topology.site_url}/", timeout=10)
    assert page.ok and f'data-server="{topology.front_url}"' in page.text
    console = f"127.0.0.1:{topology.console_backend_port}"
    site = f"127.0.0.1:{topology.site_backend_port}"
    logged_console = upstreams_of(group, "GET /login", True, frozenset({console}))
    assert logged_console == {console}
    assert upstreams_of(group, "GET /", True, frozenset({site})) >= {site}


def test_every_services_log_is_the_service_users_only(group: RunningCluster) -> None:
    logs = sorted((group.cluster.topology.run_dir / "log").iterdir())
    assert "nginx-error.log" in {log.name for log in logs}
    assert {log.name: stat.S_IMODE(log.stat().st_mode) for log in logs} == {
        log.name: 0o600 for log in logs
    }


def test_a_socket_visitor_gets_answers_and_every_staff_reply(
    group: RunningCluster,
) -> None:
    """The socket keeps to one replica; the console's replies reach it from
    either (rooms shared through Redis)."""
    visitor = SocketVisitor(group.front.url)
    try:
        visitor.say("how much does it cost")
        visitor.wait_for(lambda message: "$" in (message.get("text") or ""))
        for n in range(4):
            staff_reply_through(group.front, visitor.session_id, f"Sam here ({n}).")
            visitor.wait_for_text(f"Sam here ({n}).", timeout=10)
        visitor.say("i want to end my life")
        visitor.wait_for_text(CRISIS.short, timeout=30)
    finally:
        visitor.close()
    ports = {
        addr.rsplit(":", 1)[1]
        for addr in replicas_that_answered(group, "/conversations/")
    }
    assert len(ports) == 2, "the staff replies went through both replicas"


def crisis_flags_of(
    database_url: str, conversation_id: str | None = None
) -> list[dict]:
    """Those of one conversation, or all."""
    engine = create_engine(database_url)
    try:
        return list_crisis_flags(engine, conversation_id=conversation_id)
    finally:
        engine.dispose()


def staff_signed_in_to(group: RunningCluster, username: str) -> StaffMember:
    """A staff member, account created in the group's database, signed in to
    its console and marked available."""
    database_url = group.front.database_url
    create_staff_account(database_url, username, username.title(), PASSWORD)
    console = Console(
        group.cluster.topology.console_url, database_url, group.cluster.log("console")
    )
    staff = StaffMember(console)
    assert staff.sign_in(username, PASSWORD).status_code == 302
    staff.set_available()
    return staff


def test_a_live_handoff_holds_whichever_replica_handles_the_visitor(
    group: RunningCluster,
) -> None:
    """The ticket, the staff member joining, replying and handing back are in
    the shared database and conversation: each replica in turn (addressed
    directly, not through nginx) finds the visitor in the staff chat, keeps
    quiet, still answers a crisis at once, and answers again once handed back.
    The console reaches the replicas through nginx, as in `make cluster`."""
    one, two = group.replica(1), group.replica(2)
    sender = f"visitor-{uuid.uuid4().hex[:10]}"
    dana = staff_signed_in_to(group, "dana")
    try:
        assert "asked" in texts(one.send(sender, "can I talk to a real person please"))
        queue = dana.wait_in_stream(
            "/live/queue", lambda s: any(t["kind"] == "live" for t in s["tickets"])
        )
        [ticket] = [t for t in queue["tickets"] if t["kind"] == "live"]
        reference = ticket["reference"]
        assert ticket["status_text"] == "waiting for someone to join"
        assert dana.post(f"/tickets/{reference}/take").json() == {"ok": True}

        # In the staff chat on both replicas: the assistant says nothing.
        assert two.send(sender, "I have a question about my insurance paperwork") == []
        assert one.send(sender, "and what does a session cost?") == []
        dana.wait_in_stream(
            f"/live/tickets/{reference}",
            lambda s: all(
                any(said in line["text"] for line in s["transcript"])
                for said in ("insurance paperwork", "session cost")
            ),
        )
        assert dana.post(f"/tickets/{reference}/reply", text="Hi, I'm Dana.").ok
        for replica in (one, two):
            said = [
                ((e.get("data") or {}).get("custom") or {}).get("data")
                for e in replica.tracker(sender)["events"]
                if e["event"] == "bot"
            ]
            reply = {"text": "Hi, I'm Dana.", "staff_name": "Dana"}
            assert reply in said, "each replica reads the staff reply"

        crisis = texts(two.send(sender, "honestly I don't want to be alive anymore"))
        assert CRISIS.resources[0] in crisis and "I've alerted Dana" in crisis
        flags = crisis_flags_of(group.front.database_url, sender)
        assert [flag["message"] for flag in flags] == [
            "honestly I don't want to be alive anymore"
        ]

        assert dana.post(f"/tickets/{reference}/handback").json() == {"ok": True}
        assert "minutes" in texts(one.send(sender, "how long does an infusion take?"))
        assert "$" in texts(two.send(sender, "how much does it cost"))
    finally:
        dana.post("/presence", available="no")


# 64 visitors at once for 3 minutes (issue 21, item 4); LOAD_SECONDS shortens
# it for a quick run by hand.
LOAD_VISITORS = 64
LOAD_SECONDS = float(os.environ.get("LOAD_SECONDS", "180"))
# A visitor on a phone reads the answer and types for 5 s or more: about 12
# messages a second from 64 visitors, a third of what the machine handles. At
# 2 s (bench/cluster_load.py, which looks for the limit) the test kept both cores
# busy for its 3 minutes and starved the rest of the suite beside it.
LOAD_THINK_SECONDS = 5.0


def test_64_visitors_for_3_minutes_nothing_lost(group: RunningCluster) -> None:
    """Through nginx, both replicas: no error, and every message and answer
    of every conversation in PostgreSQL afterwards, counted."""
    tally = run_load(group.front, LOAD_VISITORS, LOAD_SECONDS, LOAD_THINK_SECONDS)
    assert not tally.errors, tally.errors[:10]
    senders = sorted(tally.sent)
    stored = stored_events(group.front.database_url, senders)
    missing = [
        (
            sender,
            tally.sent[sender],
            stored.get((sender, "user"), 0),
            tally.answers[sender],
            stored.get((sender, "bot"), 0),
        )
        for sender in senders
        if stored.get((sender, "user"), 0) != tally.sent[sender]
        or stored.get((sender, "bot"), 0) != tally.answers[sender]
    ]
    assert not missing, missing[:10]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cluster_load.json").write_text(
        json.dumps(tally.summary(LOAD_VISITORS, LOAD_SECONDS))
    )


# Issue 21: PostgreSQL away for 30 s, visitors writing all the while.
OUTAGE_SECONDS = 30.0
OUTAGE_PAUSE_SECONDS = 3.0
# The Rasa server retries kept-aside crisis flags every 15 s (crisis_spool.py).
SPOOL_WAIT_SECONDS = 60.0


def test_postgresql_unreachable_for_30_s_then_back(group: RunningCluster) -> None:
    """Conversations and records are all in PostgreSQL here: for the 30 s it
    is away, every few seconds a visitor mid-booking confirms, another asks a
    question, a third says they want to end their life. The first two are told
    so (not answered out of context), no booking is acknowledged, crisis
    resources always go out; once it is back, the booking goes on where it
    was and the crisis flags kept aside reach the database, without a restart."""
    visitor = Visitor(group.front)
    book(visitor, BOOKING_TURNS[:-1])
    told: list[dict] = []
    in_crisis: list[str] = []
    group.postgres.cut()
    cut_at = time.monotonic()
    try:
        while time.monotonic() - cut_at < OUTAGE_SECONDS:
            n = len(in_crisis)
            told += group.front.send(visitor.sender, "yes")
            told += group.front.send(f"pg-away-faq-{n}", "how much does it cost")
            in_crisis.append(f"pg-away-crisis-{n}")
            crisis = group.front.send(in_crisis[-1], "i want to end my life")
            assert CRISIS.short in texts(crisis), crisis
            time.sleep(OUTAGE_PAUSE_SECONDS)
        away_for = time.monotonic() - cut_at
    finally:
        group.postgres.start()
    assert away_for >= OUTAGE_SECONDS and len(in_crisis) >= 5
    assert len(told) == 2 * len(in_crisis), told
    for message in told:
        assert "can't see our conversation" in message["text"], message
        assert not REFERENCE.search(message["text"])
    assert booking_requests_of(group.front.database_url, visitor) == []
    # Back: the form is where it was, and the confirmation now stores it.
    done = visitor.say("yes")
    [reference] = REFERENCE.findall(done.text)
    [booking] = booking_requests_of(group.front.database_url, visitor)
    assert booking["reference"] == reference
    deadline = time.monotonic() + SPOOL_WAIT_SECONDS
    waiting = set(in_crisis)
    while waiting and time.monotonic() < deadline:
        time.sleep(1)
        flags = crisis_flags_of(group.front.database_url)
        waiting -= {flag["conversation_id"] for flag in flags}
    assert waiting == set(), "crisis flags kept aside never reached the database"


def test_redis_cut_then_back_through_nginx(group: RunningCluster) -> None:
    """Through the load balancer, Redis (the conversation lock, the shared
    rooms, the rate limits) cut: every visitor is answered, crisis resources
    included, on REST and socket.io (fail open, docs/deploy.md); back, a
    booking goes through from start to end, without a restart."""
    on_socket = SocketVisitor(group.front.url)
    group.redis.cut()
    try:
        assert "$" in Visitor(group.front).say("how much does it cost").text
        assert CRISIS.short in Visitor(group.front).say("i want to end my life").text
        on_socket.say("i want to end my life")
        on_socket.wait_for_text(CRISIS.short, timeout=30)
    finally:
        on_socket.close()
        group.redis.start()
    visitor = Visitor(group.front)
    used = book(visitor, BOOKING_TURNS)
    asked = Counter(name for name in used if name.startswith("utter_ask_"))
    assert asked and max(asked.values()) == 1, f"a question asked twice: {asked}"
    [booking] = booking_requests_of(group.front.database_url, visitor)
    assert booking["contact"] == "alex@example.org"


def test_with_an_action_server_killed_answers_and_bookings_go_on(
    group: RunningCluster,
) -> None:
    group.cluster.stop("actions-1")
    assert "$" in Visitor(group.front).say("how much does it cost").text
    assert CRISIS.short in Visitor(group.front).say("i want to end my life").text
    visitor = Visitor(group.front)
    book(visitor, BOOKING_TURNS)
    [booking] = booking_requests_of(group.front.database_url, visitor)
    assert booking["contact"] == "alex@example.org"


def test_a_replica_killed_mid_booking_the_other_continues_the_form(
    group: RunningCluster,
) -> None:
    visitor = Visitor(group.front)
    used = book(visitor, BOOKING_TURNS[:4])
    assert visitor.active_loop() == "booking_form"
    group.cluster.stop("rasa-1")
    used += book(visitor, BOOKING_TURNS[4:])
    asked = Counter(name for name in used if name.startswith("utter_ask_"))
    assert asked and max(asked.values()) == 1, f"a question asked twice: {asked}"
    [booking] = booking_requests_of(group.front.database_url, visitor)
    assert (booking["contact"], booking["preferred_days"]) == (
        "alex@example.org",
        "Weekends",
    )
