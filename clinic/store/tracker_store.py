"""Rasa's SQL tracker store, without reading the conversation back on every save.

Rasa 3.6's ``SQLTrackerStore.save`` hands the new events to the event broker
first, and to find them it loads and JSON-decodes the whole stored conversation
and rebuilds a tracker from it, only to take its length. Profiling the server
under load (docs/performance.md) put that at about 30% of its CPU time. The
number of stored events is all that is needed, and one COUNT query gives it.
Everything else (what is stored, when, and the order: publish, then insert) is
Rasa's own code.
"""

from __future__ import annotations

import itertools

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker


class ClinicSQLTrackerStore(SQLTrackerStore):
    """``type: clinic.store.tracker_store.ClinicSQLTrackerStore`` in endpoints.yml."""

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        if self.event_broker is None:
            return
        new_events = list(
            itertools.islice(
                tracker.events, self._stored_event_count(tracker.sender_id), None
            )
        )
        await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    def _stored_event_count(self, sender_id: str) -> int:
        """Events stored since the latest session start, counted as Rasa does."""
        with self.session_scope() as session:
            return self._event_query(
                session, sender_id, fetch_events_from_all_sessions=False
            ).count()
