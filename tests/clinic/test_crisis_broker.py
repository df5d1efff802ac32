from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import stat
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from clinic.crisis_broker import CrisisFlagBroker, crisis_flag_from_event
from clinic.crisis_spool import (
    SPOOL_PATH_ENV,
    keep_flag,
    move_into_database,
    waiting_flags,
)
from clinic.notify import StaffNotifier, wait_for_background_notifications
from clinic.store.crisis_flags import CrisisFlag, list_crisis_flags
from clinic.store.db import default_engine, make_engine
from clinic.store.migrate import upgrade
from harness.services import fresh_postgres_database
from harness.webhook_sink import webhook_sink

QUICK_RETRIES = {"attempts": 3, "retry_delay_seconds": 0.05}


def user_event(sender: str, text: str, intent: str = "crisis") -> dict:
    return {
        "sender_id": sender,
        "event": "user",
        "text": text,
        "parse_data": {
            "intent": {"name": intent, "confidence": 1.0},
            "crisis_detection": {"source": "phrase", "categories": ["direct"]},
        },
    }


@pytest.fixture
def spool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "var" / "crisis_flags_pending.jsonl"
    monkeypatch.setenv(SPOOL_PATH_ENV, str(path))
    return path


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spool: Path) -> str:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    upgrade(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def unreachable_database(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, str]]:
    """(url the broker is given, which cannot be reached; url that works later)."""
    if request.param == "sqlite":
        broken = f"sqlite:///{tmp_path / 'missing-directory' / 'clinic.db'}"
        with_data = f"sqlite:///{tmp_path / 'clinic.db'}"
        monkeypatch.setenv("DATABASE_URL", broken)
        yield broken, with_data
        return
    with fresh_postgres_database() as working:
        # Nothing listens on port 1: the connection is refused at once.
        broken = "postgresql://nobody@127.0.0.1:1/clinic"
        monkeypatch.setenv("DATABASE_URL", broken)
        yield broken, working


def test_only_visitor_messages_labelled_crisis_become_flags() -> None:
    assert crisis_flag_from_event(user_event("v", "how much is it", "faq")) is None
    assert crisis_flag_from_event({"event": "bot", "text": "988"}) is None
    flag = crisis_flag_from_event(user_event("v", "i want to die"))
    assert flag is not None and (flag.conversation_id, flag.detection) == (
        "v",
        "phrase",
    )


async def test_flag_is_stored_then_staff_are_notified(database: str) -> None:
    with webhook_sink() as sink:
        CrisisFlagBroker(StaffNotifier(sink.url)).publish(user_event("v-1", "kms"))
        await wait_for_background_notifications()
    [row] = list_crisis_flags(default_engine(), "v-1")
    assert (row["message"], row["detection"], row["notify_error"]) == (
        "kms",
        "phrase",
        None,
    )
    assert row["notified_at"] is not None
    assert sink.received == [
        {
            "type": "crisis_flag",
            "reference": row["reference"],
            "flag_id": row["id"],
            "detection": "phrase",
            "categories": ["direct"],
            "console_url": "http://127.0.0.1:5080/crisis",
        }
    ]


async def test_a_webhook_that_fails_twice_is_reached_on_the_third_try(
    database: str,
) -> None:
    """Signed, and without the visitor's words (issue 24's "done when")."""
    secret = "shared with the receiver"
    with webhook_sink(failures=2) as sink:
        notifier = StaffNotifier(sink.url, signing_secret=secret, **QUICK_RETRIES)
        CrisisFlagBroker(notifier).publish(user_event("v-retry", "i want to die"))
        await wait_for_background_notifications()
    assert sink.refused == 2
    [payload] = sink.received
    [row] = list_crisis_flags(default_engine(), "v-retry")
    assert payload["reference"] == row["reference"]
    assert row["notified_at"] is not None and row["notify_error"] is None
    [(headers, body)] = sink.raw
    signed = headers["X-Clinic-Timestamp"].encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert headers["X-Clinic-Signature"] == f"sha256={expected}"
    assert b"want to die" not in body and b"v-retry" not in body


async def test_unreachable_webhook_is_recorded_not_raised(database: str) -> None:
    notifier = StaffNotifier("http://127.0.0.1:9/nobody", 1, **QUICK_RETRIES)
    CrisisFlagBroker(notifier).publish(user_event("v-2", "i took all my pills"))
    await wait_for_background_notifications()
    [row] = list_crisis_flags(default_engine(), "v-2")
    assert row["notify_error"].startswith("webhook unreachable")
    assert row["notified_at"] is None


async def test_staff_are_alerted_while_the_database_is_unreachable(
    unreachable_database: tuple[str, str], spool: Path
) -> None:
    with webhook_sink() as sink:
        broker = CrisisFlagBroker(StaffNotifier(sink.url), retry_seconds=0)
        broker.publish(user_event("v-down", "i am going to end my life tonight"))
        await wait_for_background_notifications()
    [alert] = sink.received
    assert alert["type"] == "crisis_flag" and alert["flag_id"] is None
    # The visitor's words and conversation stay in the clinic.
    assert "conversation_id" not in alert and "message" not in alert
    assert "end my life" not in str(alert) and "v-down" not in str(alert)
    # Kept aside, readable by its owner only, with the alert's outcome.
    assert stat.S_IMODE(os.stat(spool).st_mode) == 0o600
    [waiting] = waiting_flags(spool)
    assert waiting.flag.reference == alert["reference"]
    assert waiting.flag.message == "i am going to end my life tonight"
    assert waiting.alerted and waiting.alert_error is None


async def test_kept_flags_reach_the_database_once_it_is_back(
    unreachable_database: tuple[str, str],
    spool: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, working_url = unreachable_database
    notifier = StaffNotifier("http://127.0.0.1:9/nobody", 1, **QUICK_RETRIES)
    broker = CrisisFlagBroker(notifier, retry_seconds=0)
    broker.publish(user_event("v-back", "i want to kill myself"))
    await wait_for_background_notifications()
    [waiting] = waiting_flags(spool)
    assert waiting.alert_error.startswith("webhook unreachable")

    # The database is back: the next event of any conversation moves the flag in.
    upgrade(working_url)
    monkeypatch.setenv("DATABASE_URL", working_url)
    broker.publish(user_event("v-other", "hello", intent="greet"))
    await wait_for_background_notifications()
    engine = make_engine(working_url)
    [row] = list_crisis_flags(engine)
    assert (row["conversation_id"], row["reference"]) == (
        "v-back",
        waiting.flag.reference,
    )
    assert row["message"] == "i want to kill myself"
    assert row["notify_error"].startswith("webhook unreachable")
    assert waiting_flags(spool) == []
    assert move_into_database(engine, spool) == 0, "nothing is stored twice"
    assert len(list_crisis_flags(engine)) == 1
    engine.dispose()


async def flags_once_some_are_stored(database_url: str) -> list[dict]:
    """The database's crisis flags, once there are any (10 s at most), with
    no event published meanwhile: only the broker's timer can move them in."""
    engine = make_engine(database_url)
    try:
        deadline = time.monotonic() + 10
        while not list_crisis_flags(engine) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        return list_crisis_flags(engine)
    finally:
        engine.dispose()


async def test_kept_flags_reach_the_database_without_another_event(
    unreachable_database: tuple[str, str],
    spool: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At night nobody may write for hours: the server tries again on a timer
    while any flag waits, not only when the next event comes."""
    _, working_url = unreachable_database
    notifier = StaffNotifier("http://127.0.0.1:9/nobody", 1, **QUICK_RETRIES)
    broker = CrisisFlagBroker(notifier, retry_seconds=0)
    broker.publish(user_event("v-night", "i want to kill myself"))
    await wait_for_background_notifications()
    assert len(waiting_flags(spool)) == 1

    upgrade(working_url)
    monkeypatch.setenv("DATABASE_URL", working_url)
    [row] = await flags_once_some_are_stored(working_url)
    assert (row["conversation_id"], row["message"]) == (
        "v-night",
        "i want to kill myself",
    )
    assert waiting_flags(spool) == []


def test_a_timer_left_on_an_ended_loop_does_not_stop_the_retries(
    unreachable_database: tuple[str, str],
    spool: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A flag kept aside outside the server (no event loop: a tool's own,
    ended at once) leaves a timer that never fires; the server's retries
    still set one of their own."""
    _, working_url = unreachable_database
    notifier = StaffNotifier("http://127.0.0.1:9/nobody", 1, **QUICK_RETRIES)
    broker = CrisisFlagBroker(notifier, retry_seconds=0)
    broker.publish(user_event("v-tool", "i want to kill myself"))

    async def in_the_server() -> list[dict]:
        broker.publish(user_event("v-other", "hello", intent="greet"))
        await wait_for_background_notifications()
        upgrade(working_url)
        monkeypatch.setenv("DATABASE_URL", working_url)
        return await flags_once_some_are_stored(working_url)

    [row] = asyncio.run(in_the_server())
    assert row["conversation_id"] == "v-tool"


async def test_a_flag_already_stored_is_not_stored_again(
    database: str, spool: Path
) -> None:
    """A crash after the insert but before the file was emptied stores nothing twice."""
    broker = CrisisFlagBroker(StaffNotifier(), retry_seconds=3600)
    broker.publish(user_event("v-once", "kms"))
    await wait_for_background_notifications()
    [row] = list_crisis_flags(default_engine())
    keep_flag(spool, CrisisFlag("v-once", "kms", reference=row["reference"]))
    assert move_into_database(default_engine(), spool) == 0
    assert len(list_crisis_flags(default_engine())) == 1


def test_without_an_event_loop_the_alert_is_sent_before_publish_returns(
    database: str,
) -> None:
    with webhook_sink() as sink:
        CrisisFlagBroker(StaffNotifier(sink.url)).publish(user_event("v-3", "kms"))
        [row] = list_crisis_flags(default_engine(), "v-3")
        assert [p["reference"] for p in sink.received] == [row["reference"]]


def test_a_database_failure_never_raises(
    unreachable_database: tuple[str, str], spool: Path
) -> None:
    CrisisFlagBroker(StaffNotifier()).publish(user_event("v-4", "kms"))
    [waiting] = waiting_flags(spool)
    assert waiting.alert_error == "no staff webhook configured"


async def test_repeated_flags_of_one_conversation_send_one_alert(
    database: str,
) -> None:
    with webhook_sink() as sink:
        broker = CrisisFlagBroker(StaffNotifier(sink.url))
        for text in ("i want to die", "i mean it", "tonight"):
            broker.publish(user_event("v-repeat", text))
            await wait_for_background_notifications()
        broker.publish(user_event("v-other", "kms"))
        await wait_for_background_notifications()
    first, second, third = list_crisis_flags(default_engine(), "v-repeat")
    [other] = list_crisis_flags(default_engine(), "v-other")
    assert [payload["reference"] for payload in sink.received] == [
        first["reference"],
        other["reference"],
    ], "one alert per conversation"
    assert second["alerted_with"] == third["alerted_with"] == first["reference"]
    assert first["alerted_with"] is None and other["alerted_with"] is None
    assert (second["message"], third["message"]) == ("i mean it", "tonight")


async def test_a_new_alert_once_the_window_has_passed(database: str) -> None:
    with webhook_sink() as sink:
        broker = CrisisFlagBroker(
            StaffNotifier(sink.url), repeat_window=timedelta(seconds=1)
        )
        broker.publish(user_event("v-later", "i want to die"))
        await wait_for_background_notifications()
        time.sleep(1.2)
        broker.publish(user_event("v-later", "i still want to die"))
        await wait_for_background_notifications()
    assert len(sink.received) == 2


async def test_a_failed_alert_covers_nothing(database: str) -> None:
    """When the first alert did not arrive, the next flag tries again."""
    notifier = StaffNotifier("http://127.0.0.1:9/nobody", 1, **QUICK_RETRIES)
    broker = CrisisFlagBroker(notifier)
    for text in ("i want to die", "please help"):
        broker.publish(user_event("v-failed", text))
        await wait_for_background_notifications()
    rows = list_crisis_flags(default_engine(), "v-failed")
    assert [row["alerted_with"] for row in rows] == [None, None]
    assert all(row["notify_error"].startswith("webhook unreachable") for row in rows)


async def test_a_zero_window_alerts_every_flag(database: str) -> None:
    with webhook_sink() as sink:
        broker = CrisisFlagBroker(StaffNotifier(sink.url), repeat_window=timedelta(0))
        for text in ("i want to die", "i mean it"):
            broker.publish(user_event("v-every", text))
        await wait_for_background_notifications()
    assert len(sink.received) == 2
