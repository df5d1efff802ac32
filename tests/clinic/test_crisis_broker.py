from __future__ import annotations

import asyncio

import pytest

from clinic.crisis_broker import CrisisFlagBroker, crisis_flag_from_event
from clinic.notify import StaffNotifier
from clinic.store.crisis_flags import list_crisis_flags
from clinic.store.db import default_engine
from clinic.store.migrate import upgrade
from tests.support.webhook_sink import webhook_sink


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
def database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    upgrade(url)
    return url


async def notification_result(sender: str) -> dict:
    for _ in range(100):
        [row] = list_crisis_flags(default_engine(), sender)
        if row["notified_at"] or row["notify_error"]:
            return row
        await asyncio.sleep(0.05)
    raise AssertionError("notification result was never recorded")


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
        row = await notification_result("v-1")
    assert (row["message"], row["detection"], row["notify_error"]) == (
        "kms",
        "phrase",
        None,
    )
    assert sink.received == [
        {
            "type": "crisis_flag",
            "flag_id": row["id"],
            "conversation_id": "v-1",
            "message": "kms",
            "detection": "phrase",
            "categories": ["direct"],
        }
    ]


async def test_unreachable_webhook_is_recorded_not_raised(database: str) -> None:
    notifier = StaffNotifier("http://127.0.0.1:9/nobody", timeout_seconds=1)
    CrisisFlagBroker(notifier).publish(user_event("v-2", "i took all my pills"))
    row = await notification_result("v-2")
    assert row["notify_error"].startswith("webhook unreachable")


def test_database_failure_never_raises(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    CrisisFlagBroker(StaffNotifier()).publish(user_event("v-3", "kms"))
