"""The scaled topology through nginx (issue 21, items 1 and 3): what
`make cluster` starts (clinic/cluster/topology.py), two Rasa replicas and two
action servers behind nginx on a PostgreSQL database and Redis, with real
processes killed under it."""

from __future__ import annotations

import json
import os
import re
import stat
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cluster import RunningCluster, cluster_on_fresh_databases
from harness.conversation import BOOKING_TURNS, Visitor, booking_requests_of
from harness.live_chat import SocketVisitor, staff_reply_through
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
    with cluster_on_fresh_databases(model_path, run_dir) as running:
        yield running


def replicas_that_answered(group: RunningCluster, path: str) -> set[str]:
    log = group.cluster.log("nginx-access").read_text(errors="replace")
    return set(re.findall(rf'"POST {re.escape(path)}[^"]*" \d+ (\S+)', log))


def book(visitor: Visitor, texts: list[str]) -> list[str]:
    """Says each text; returns the responses the assistant used, in order."""
    used = []
    for said in texts:
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


def test_postgresql_unreachable_then_back(group: RunningCluster) -> None:
    """Conversations and records are all in PostgreSQL here: while it is
    away, a visitor is told so (not answered out of context), crisis resources
    still go out, no booking is acknowledged; once it is back, the same
    conversation goes on where it was, without a restart."""
    visitor = Visitor(group.front)
    book(visitor, BOOKING_TURNS[:-1])
    group.postgres.cut()
    try:
        confirm = group.front.send(visitor.sender, "yes")
        faq = group.front.send("pg-away-faq", "how much does it cost")
        crisis = group.front.send("pg-away-crisis", "i want to end my life")
    finally:
        group.postgres.start()
    for away in (confirm, faq):
        [told] = away
        assert "can't see our conversation" in told["text"], told
        assert not REFERENCE.search(told["text"])
    assert CRISIS.short in " ".join(m.get("text") or "" for m in crisis)
    assert booking_requests_of(group.front.database_url, visitor) == []
    # Back: the form is where it was, and the confirmation now stores it.
    done = visitor.say("yes")
    [reference] = REFERENCE.findall(done.text)
    [booking] = booking_requests_of(group.front.database_url, visitor)
    assert booking["reference"] == reference


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
