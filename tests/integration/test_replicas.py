"""Two Rasa replicas on one PostgreSQL database with the clinic's Redis lock
store (issue 21, item 2; clinic/cluster/lock_store.py), through the real
servers: a conversation whose messages alternate between the replicas, a
booking form half on each, is the conversation one replica alone holds;
messages of one conversation sent to both replicas at the same moment are
handled one after the other, none lost, the conversation started once; a
staff reply taken by one replica reaches the visitor's socket on the other
(clinic/channels/shared_rooms.py)."""

from __future__ import annotations

import itertools
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from clinic.cluster.endpoints import replica_endpoints
from clinic.store.db import make_engine
from clinic.training import runs
from clinic.training.live_model import SWITCH as LIVE_MODEL_SWITCH
from clinic.training.serving import Replicas, ServingError
from harness.conversation import BOOKING_TURNS, Visitor, booking_requests_of
from harness.live_chat import SocketVisitor, staff_reply_through
from harness.servers import (
    Assistant,
    action_server,
    base_environment,
    clinic_settings,
    free_port,
    migrate,
    rasa_server,
)
from harness.services import fresh_postgres_database, redis_url
from harness.tcp_proxy import TcpProxy, tcp_proxy

CRISIS = clinic_settings().crisis
# The way to the replicas' Redis, which the last test cuts.
REDIS_PROXY: list[TcpProxy] = []


@pytest.fixture(scope="module")
def replicas(
    model_path: Path, server_logs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Assistant, Assistant]]:
    redis = urlsplit(redis_url())
    endpoints = tmp_path_factory.mktemp("replicas") / "endpoints.yml"
    with (
        fresh_postgres_database() as url,
        tcp_proxy(redis.hostname or "127.0.0.1", redis.port or 6379) as proxy,
    ):
        REDIS_PROXY.append(proxy)
        proxied = f"redis://127.0.0.1:{proxy.port}{redis.path}"
        endpoints.write_text(replica_endpoints(proxied), encoding="utf-8")
        migrate(url)
        # Rooms shared through Redis (clinic/channels/shared_rooms.py).
        env = {**base_environment(url), "SOCKETIO_REDIS_URL": proxied}
        with (
            action_server(env, server_logs) as action_url,
            rasa_server(model_path, env, server_logs, action_url, endpoints) as a,
            rasa_server(model_path, env, server_logs, action_url, endpoints) as b,
        ):
            yield a, b


def conversation(assistant: Assistant, sender: str) -> list[tuple]:
    """What happened, without times or ids: who said what, what ran, the slots."""
    kept = []
    for event in assistant.tracker(sender)["events"]:
        kind = event["event"]
        if kind == "user":
            kept.append((kind, event["text"], event["parse_data"]["intent"]["name"]))
        elif kind == "bot":
            kept.append((kind, (event.get("metadata") or {}).get("utter_action")))
        elif kind == "action":
            kept.append((kind, event["name"]))
        elif kind == "slot" and event["name"] != "booking_reference":
            kept.append((kind, event["name"], event["value"]))
        elif kind == "active_loop":
            kept.append((kind, event["name"]))
    return kept


def test_a_booking_half_on_each_replica_is_the_same_conversation(
    replicas: tuple[Assistant, Assistant],
) -> None:
    a, b = replicas
    alone, alternating = Visitor(a), Visitor(a)
    for turn, text in enumerate(BOOKING_TURNS):
        alone.say(text)
        alternating.assistant = (a, b)[turn % 2]
        alternating.say(text)
    assert conversation(b, alternating.sender) == conversation(a, alone.sender)
    assert conversation(a, alternating.sender) == conversation(b, alternating.sender)
    [booking] = booking_requests_of(a.database_url, alternating)
    assert (booking["contact"], booking["preferred_days"]) == (
        "alex@example.org",
        "Weekends",
    )


def test_a_staff_reply_taken_by_one_replica_reaches_a_socket_on_the_other(
    replicas: tuple[Assistant, Assistant],
) -> None:
    """Behind a load balancer the console's request and the visitor's socket
    meet different replicas; the emit travels through Redis."""
    a, b = replicas
    visitor = SocketVisitor(a.url)
    try:
        visitor.say("hello")
        visitor.wait_for(lambda message: bool(message.get("text")))
        for replica, text in ((b, "Hi, Sam here, through b."), (a, "And a.")):
            staff_reply_through(replica, visitor.session_id, text)
            [*_, reply] = visitor.wait_for(
                lambda message, text=text: message.get("text") == text, timeout=10
            )
            assert reply["staff_name"] == "Sam"
    finally:
        visitor.close()


def both_at_once(
    replicas: tuple[Assistant, Assistant], sender: str, pair: tuple[str, str]
) -> None:
    senders = [
        threading.Thread(target=replica.send, args=(sender, text))
        for replica, text in zip(replicas, pair, strict=True)
    ]
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join(timeout=60)


@pytest.mark.parametrize("visitor", range(6))
def test_messages_sent_to_both_replicas_at_once_are_handled_in_turn(
    replicas: tuple[Assistant, Assistant], visitor: int
) -> None:
    a, _ = replicas
    sender = f"together-{uuid.uuid4().hex[:8]}"
    texts = [f"how much does it cost {n}" for n in range(4)]
    for pair in zip(texts[::2], texts[1::2], strict=True):
        both_at_once(replicas, sender, pair)
    events = a.tracker(sender)["events"]
    said = [event["text"] for event in events if event["event"] == "user"]
    assert sorted(said) == sorted(texts), "every message kept, once"
    # The first two arrive together at a conversation that does not exist yet:
    # without a working lock each replica starts it (Rasa's RedisLockStore did,
    # about one time in three).
    started = [event for event in events if event["event"] == "session_started"]
    assert len(started) == 1, f"{len(started)} session starts"
    # In the order of their times, each message is answered before the next.
    in_time = sorted(events, key=lambda event: event["timestamp"])
    turns = [event["event"] for event in in_time if event["event"] in ("user", "bot")]
    for before, after in itertools.pairwise(turns):
        assert (before, after) != ("user", "user"), turns


def serving(assistant: Assistant) -> str:
    return Path(Replicas([assistant.url], assistant.token).serving_model()).name


def test_a_model_put_live_reaches_every_replica_and_one_started_later(
    replicas: tuple[Assistant, Assistant],
    model_path: Path,
    server_logs: Path,
    tmp_path: Path,
) -> None:
    a, b = replicas
    retrained = tmp_path / f"retrained-{uuid.uuid4().hex[:8]}.tar.gz"
    shutil.copyfile(model_path, retrained)
    group = Replicas([a.url, b.url], a.token)
    try:
        group.load(retrained, restore_to=model_path)
        assert (serving(a), serving(b)) == (retrained.name, retrained.name)
        engine = make_engine(a.database_url)
        runs.record_deployment(engine, "admin", str(retrained), str(model_path), "gate")
        engine.dispose()
        # A replica (re)started with the launch model serves the one put live.
        env = {**base_environment(a.database_url), LIVE_MODEL_SWITCH: "1"}
        with rasa_server(model_path, env, server_logs, a.action_url) as restarted:
            assert serving(restarted) == retrained.name
            assert restarted.send("after-restart", "how much does it cost")
    finally:
        group.load(model_path)


def test_a_replica_refusing_the_model_puts_the_others_back(
    replicas: tuple[Assistant, Assistant], model_path: Path, tmp_path: Path
) -> None:
    a, _ = replicas
    retrained = tmp_path / "refused-by-one.tar.gz"
    shutil.copyfile(model_path, retrained)
    unreachable = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ServingError, match=unreachable):
        Replicas([a.url, unreachable], a.token).load(retrained, restore_to=model_path)
    assert serving(a) == model_path.name


def test_without_redis_visitors_are_answered_and_the_lock_comes_back(
    replicas: tuple[Assistant, Assistant],
) -> None:
    """Redis gone: the lock store fails open (clinic/cluster/lock_store.py),
    so every visitor is answered, crisis resources included, on the REST and
    the socket.io channel; Redis back: the lock holds again, without a
    restart."""
    a, b = replicas
    [proxy] = REDIS_PROXY
    on_socket = SocketVisitor(a.url)
    proxy.cut()
    try:
        assert Visitor(a).say("how much does it cost").text
        crisis = Visitor(b).say("i want to end my life").text
        assert CRISIS.short in crisis
        # A socket's own replica still answers it: rooms emit locally first.
        on_socket.say("i want to end my life")
        on_socket.wait_for_text(CRISIS.short, timeout=30)
    finally:
        on_socket.close()
        proxy.start()
    sender = f"after-{uuid.uuid4().hex[:8]}"
    both_at_once(replicas, sender, ("hello", "how much does it cost"))
    events = a.tracker(sender)["events"]
    assert [e["event"] for e in events].count("session_started") == 1
    assert len([e for e in events if e["event"] == "user"]) == 2
    for replica in replicas:
        port = urlsplit(replica.url).port
        log = (replica.log_dir / f"rasa-{port}.log").read_text(errors="replace")
        assert "Traceback" not in log
        assert "without the conversation's lock" in log, "the outage was noticed"
