from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.crisis import ActionFlagCrisis
from clinic.store.crisis_flags import list_crisis_flags
from clinic.store.db import default_engine
from clinic.store.migrate import upgrade
from tests.support.webhook_sink import webhook_sink


def crisis_tracker(sender: str, text: str) -> Tracker:
    parse = {
        "text": text,
        "intent": {"name": "crisis", "confidence": 1.0},
        "crisis_detection": {"source": "phrase", "categories": ["direct"]},
    }
    return Tracker(
        sender,
        {},
        parse,
        [{"event": "user", "text": text, "parse_data": parse}],
        False,
        None,
        {},
        "action_listen",
    )


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    upgrade(url)
    return url


async def wait_for_notification(sender: str) -> dict:
    for _ in range(100):
        [row] = list_crisis_flags(default_engine(), sender)
        if row["notified_at"] or row["notify_error"]:
            return row
        await asyncio.sleep(0.05)
    raise AssertionError("notification result was never recorded")


async def test_flag_is_stored_then_staff_are_notified(
    database: str, monkeypatch
) -> None:
    with webhook_sink() as sink:
        monkeypatch.setenv("STAFF_WEBHOOK_URL", sink.url)
        dispatcher = CollectingDispatcher()
        events = await ActionFlagCrisis().run(
            dispatcher, crisis_tracker("v-1", "i want to die"), {}
        )
        assert events == [] and dispatcher.messages == []
        row = await wait_for_notification("v-1")
    assert row["message"] == "i want to die" and row["detection"] == "phrase"
    assert row["notify_error"] is None
    assert sink.received == [
        {
            "type": "crisis_flag",
            "flag_id": row["id"],
            "conversation_id": "v-1",
            "message": "i want to die",
            "detection": "phrase",
            "categories": ["direct"],
        }
    ]


async def test_unreachable_webhook_is_recorded_not_raised(
    database: str, monkeypatch
) -> None:
    monkeypatch.setenv("STAFF_WEBHOOK_URL", "http://127.0.0.1:9/nobody-listens")
    await ActionFlagCrisis().run(
        CollectingDispatcher(), crisis_tracker("v-2", "kms"), {}
    )
    row = await wait_for_notification("v-2")
    assert row["notify_error"].startswith("webhook unreachable")


async def test_database_failure_never_reaches_the_visitor(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    dispatcher = CollectingDispatcher()
    assert (
        await ActionFlagCrisis().run(dispatcher, crisis_tracker("v-3", "kms"), {}) == []
    )
    assert dispatcher.messages == []
