"""Conversations as the Rasa server stores them, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import Engine

from clinic.store.db import make_engine
from clinic.store.migrate import upgrade
from tests.clinic.store.test_tracker_store import store_from_endpoints


@dataclass
class Conversations:
    """Writes conversations through the clinic's tracker store, as Rasa does."""

    store: TrackerStore
    engine: Engine

    async def save(self, sender_id: str, events: list[Event]) -> None:
        tracker = DialogueStateTracker(sender_id, slots=[])
        for event in events:
            tracker.update(event)
        await self.store.save(tracker)


@pytest.fixture
async def conversations(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Conversations]:
    upgrade(database_url)
    store = store_from_endpoints(database_url, monkeypatch, None)
    engine = make_engine(database_url)
    yield Conversations(store, engine)
    engine.dispose()
    store.engine.dispose()  # type: ignore[attr-defined]
