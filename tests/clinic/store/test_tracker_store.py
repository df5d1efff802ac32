"""The SQL tracker store named in endpoints.yml, as Rasa builds it from there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from clinic.store.tracker_store import ClinicSQLTrackerStore

ROOT = Path(__file__).resolve().parents[3]


class RecordingBroker(EventBroker):
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.published.append(event)


def store_from_endpoints(
    database_url: str, monkeypatch: pytest.MonkeyPatch, broker: EventBroker | None
) -> TrackerStore:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DATABASE_DIALECT", database_url.split(":")[0])
    for unused in ("ACTION_ENDPOINT_URL", "STAFF_WEBHOOK_URL"):
        monkeypatch.setenv(unused, "http://127.0.0.1:1/")
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    return TrackerStore.create(config, Domain.empty(), broker)


@pytest.fixture
def store_and_broker(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[TrackerStore, RecordingBroker]:
    broker = RecordingBroker()
    return store_from_endpoints(database_url, monkeypatch, broker), broker


def published_names(broker: RecordingBroker) -> list[str]:
    return [f"{e['event']}:{e.get('text') or e.get('name')}" for e in broker.published]


async def test_endpoints_yml_builds_the_clinic_store_not_an_in_memory_one(
    store_and_broker: tuple[TrackerStore, RecordingBroker],
) -> None:
    store, _ = store_and_broker
    # Rasa silently falls back to an in-memory store when a custom one fails to
    # load: conversations would then be lost on restart.
    assert isinstance(store, ClinicSQLTrackerStore)


async def test_each_save_stores_and_publishes_only_the_new_events(
    store_and_broker: tuple[TrackerStore, RecordingBroker],
) -> None:
    store, broker = store_and_broker
    tracker = await store.get_or_create_tracker("visitor-1")
    tracker.update(UserUttered("hello"))
    await store.save(tracker)
    first = published_names(broker)
    assert first == ["action:action_listen", "user:hello"]

    tracker.update(ActionExecuted("utter_greet"))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    assert published_names(broker)[len(first) :] == [
        "action:utter_greet",
        "action:action_listen",
    ]
    stored = await store.retrieve("visitor-1")
    assert stored is not None and list(stored.events) == list(tracker.events)


async def test_a_new_session_counts_from_its_start_as_rasa_does(
    store_and_broker: tuple[TrackerStore, RecordingBroker],
) -> None:
    store, broker = store_and_broker
    tracker = await store.get_or_create_tracker("visitor-2")
    tracker.update(UserUttered("first visit"))
    await store.save(tracker)
    # A later session: Rasa hands the store a tracker holding that session only.
    later = await store.get_or_create_tracker("visitor-2")
    later.update(ActionExecuted("action_session_start"))
    later.update(SessionStarted())
    later.update(UserUttered("back"))
    broker.published.clear()
    await store.save(later)
    assert published_names(broker) == [
        "action:action_session_start",
        "session_started:None",
        "user:back",
    ]
    full = await store.retrieve_full_tracker("visitor-2")
    assert full is not None
    assert [e.text for e in full.events if isinstance(e, UserUttered)] == [
        "first visit",
        "back",
    ]


async def said_hello(store: TrackerStore, sender: str) -> DialogueStateTracker:
    """A conversation whose first message is stored."""
    tracker = await store.get_or_create_tracker(sender)
    tracker.update(UserUttered("hello"))
    await store.save(tracker)
    return tracker


def user_texts(tracker: DialogueStateTracker | None) -> list[str | None]:
    assert tracker is not None
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


async def test_the_next_message_gets_the_saved_tracker_without_a_reread(
    store_and_broker: tuple[TrackerStore, RecordingBroker],
) -> None:
    store, _ = store_and_broker
    tracker = await said_hello(store, "visitor-3")
    assert await store.retrieve("visitor-3") is tracker


async def test_events_another_server_stored_are_read_from_the_database(
    store_and_broker: tuple[TrackerStore, RecordingBroker],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, _ = store_and_broker
    other_server = store_from_endpoints(database_url, monkeypatch, None)
    tracker = await said_hello(store, "visitor-4")

    elsewhere = await other_server.retrieve("visitor-4")
    assert elsewhere is not None and elsewhere is not tracker
    elsewhere.update(UserUttered("second message, on the other server"))
    await other_server.save(elsewhere)

    here = await store.retrieve("visitor-4")
    assert here is not tracker
    assert user_texts(here) == ["hello", "second message, on the other server"]


async def test_a_new_session_of_the_same_length_on_another_server_is_read(
    store_and_broker: tuple[TrackerStore, RecordingBroker],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two replicas of a clinic group: the count of the latest session alone
    would match the kept tracker here, which must not be served."""
    store, _ = store_and_broker
    other_server = store_from_endpoints(database_url, monkeypatch, None)
    tracker = await said_hello(store, "visitor-6")
    kept_events = len(tracker.events)

    elsewhere = await other_server.retrieve("visitor-6")
    assert elsewhere is not None
    elsewhere.update(SessionStarted())
    for index in range(kept_events - 1):
        elsewhere.update(UserUttered(f"new session, message {index}"))
    await other_server.save(elsewhere)

    here = await store.retrieve("visitor-6")
    assert here is not tracker
    assert here is not None and any(isinstance(e, SessionStarted) for e in here.events)
    assert len(here.events) == kept_events  # the same length: only the ids differ


async def test_a_tracker_changed_but_not_saved_is_read_again(
    store_and_broker: tuple[TrackerStore, RecordingBroker],
) -> None:
    store, _ = store_and_broker
    tracker = await said_hello(store, "visitor-5")
    tracker.update(UserUttered("never saved (the server failed mid-message)"))

    again = await store.retrieve("visitor-5")
    assert again is not tracker
    assert user_texts(again) == ["hello"]


async def test_the_cache_keeps_only_the_most_recent_conversations(
    tmp_path: Path,
) -> None:
    store = ClinicSQLTrackerStore(
        Domain.empty(), db=str(tmp_path / "clinic.db"), cached_conversations=2
    )
    trackers = {}
    for sender in ("a", "b", "c"):
        trackers[sender] = await store.get_or_create_tracker(sender)
    assert await store.retrieve("a") is not trackers["a"]
    assert await store.retrieve("c") is trackers["c"]


async def test_kept_events_are_bounded_and_long_conversations_not_kept(
    tmp_path: Path,
) -> None:
    """Memory follows events: a conversation of many long messages is read from
    the database each time instead of held, and the kept ones fit a budget."""
    store = ClinicSQLTrackerStore(
        Domain.empty(),
        db=str(tmp_path / "clinic.db"),
        cached_events=100,
        cached_events_per_conversation=10,
    )
    long = await store.get_or_create_tracker("long")
    for index in range(12):
        long.update(UserUttered(f"message {index}"))
    await store.save(long)
    assert await store.retrieve("long") is not long  # 13 events: over 10
    short = {}
    for sender in "abcdefghijkl":  # 12 conversations of 9 events: 108 > 100
        short[sender] = await store.get_or_create_tracker(sender)
        for index in range(8):  # and the first action_listen
            short[sender].update(UserUttered(f"{sender} {index}"))
        await store.save(short[sender])
        assert len(short[sender].events) == 9
    assert await store.retrieve("l") is short["l"]
    assert await store.retrieve("b") is short["b"]
    assert await store.retrieve("a") is not short["a"]  # the oldest, let go
    again = await store.retrieve("long")
    assert again is not None and len(again.events) == len(long.events)


async def test_sqlite_connections_are_reused_and_writes_stay_durable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    store = store_from_endpoints(url, monkeypatch, None)
    assert isinstance(store, ClinicSQLTrackerStore)
    opened: list[object] = []
    used: list[object] = []
    sa.event.listen(store.engine, "connect", lambda conn, _: opened.append(conn))
    sa.event.listen(store.engine, "checkout", lambda conn, *_: used.append(conn))
    for turn in range(5):
        tracker = await store.get_or_create_tracker("visitor-1")
        tracker.update(UserUttered(f"message {turn}"))
        await store.save(tracker)
    assert len(used) >= 10  # a retrieve and a save per message
    assert opened == []  # all on the connection opened when the store started
    # another process (a new store on the same file) reads every committed message
    reader = store_from_endpoints(url, monkeypatch, None)
    stored = await reader.retrieve("visitor-1")
    assert stored is not None
    texts = [e.text for e in stored.events if isinstance(e, UserUttered)]
    assert texts == [f"message {turn}" for turn in range(5)]
