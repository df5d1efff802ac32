"""Rasa's SQL tracker store, without re-reading whole conversations.

Rasa 3.6's ``SQLTrackerStore`` loads every event of the conversation, decodes
it and replays it into a new tracker at the start of each message, and again
in ``save`` only to learn how many events are new. Profiling the server under
load (docs/performance.md) put the two at about half of its CPU time.

This store keeps the conversations it recently used in memory and counts the
stored events with one prepared COUNT query instead:
- ``retrieve`` counts, and returns the kept tracker only if it holds exactly
  the events stored for the conversation's latest session and the newest
  stored event is still the one it saw. Another server that added events (a
  clinic group's servers share one database), even a new session of the same
  length, or a tracker changed without being saved all make the check fail,
  and the conversation is read from the database as before;
- ``save`` hands the new events to the event broker and inserts them, as Rasa
  does; for the tracker it handed out it already knows how many are stored.

Rasa's lock store lets one message of a conversation be processed at a time,
which is what makes handing the same tracker object to the next message safe.
"""

from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from clinic.store.db import keep_sqlite_file_private, tune_sqlite
from clinic.store.outage import STORE_UNREACHABLE

DEFAULT_CACHED_CONVERSATIONS = 512
# Memory follows events, not conversations: 512 conversations of a few dozen
# events are a few MB, ten of 250 maximum-size messages were 40 MB. Kept events
# are bounded in all, and a conversation of over 2,000 events (a real one, a
# booking and a dozen questions, is about 150) is read from the database for
# each message instead. The fuzz run's growth (tests/integration/test_fuzz.py)
# was 191 MB without these bounds, 138 MB with them; with 500 events per
# conversation it was 194 MB: reading long ones again costs memory too.
DEFAULT_CACHED_EVENTS = 20_000
DEFAULT_CACHED_EVENTS_PER_CONVERSATION = 2_000


@dataclass(frozen=True)
class Stored:
    """What the database holds of a conversation: events since its latest
    session start, and the id of its newest event (None: none stored)."""

    count: int
    newest: int | None


@dataclass(frozen=True)
class Kept:
    """A conversation kept in memory, with what was stored when it was kept."""

    tracker: DialogueStateTracker
    stored: Stored

    def matches(self, now: Stored) -> bool:
        """Nothing was added since (here or by another server), and the tracker
        holds no event that was not saved."""
        return now == self.stored and len(self.tracker.events) == now.count


def pinged_engine(engine: sa.engine.Engine) -> sa.engine.Engine:
    """Rasa's engine, but each pooled connection is checked before use: one
    the database closed (a restart, a network cut) is replaced instead of
    failing a visitor's message and leaving them with an empty conversation."""
    from rasa.core.tracker_store import create_engine_kwargs

    pinged = sa.create_engine(
        engine.url, pool_pre_ping=True, **create_engine_kwargs(engine.url)
    )
    engine.dispose()
    return pinged


def pooled_sqlite_engine(engine: sa.engine.Engine) -> sa.engine.Engine:
    """The same SQLite database with its connections kept open between uses.

    SQLAlchemy 1.4 opens and closes a new SQLite connection for every session
    of a file database (``NullPool``); under the benchmark's load opening and
    closing them was about 6% of the Rasa server's CPU (docs/performance.md).
    The server runs its sessions on one thread, one after another, but the
    pool may hand a connection to another thread, which pysqlite refuses
    unless told it may.
    """
    pooled = sa.create_engine(
        engine.url,
        poolclass=QueuePool,
        connect_args={"check_same_thread": False},
    )
    engine.dispose()
    return pooled


def db_url_arguments(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments Rasa builds the database URL from."""
    names = ("dialect", "host", "port", "db", "username", "password", "login_db")
    return {name: kwargs[name] for name in names if name in kwargs}


class ClinicSQLTrackerStore(SQLTrackerStore):
    """``type: clinic.store.tracker_store.ClinicSQLTrackerStore`` in endpoints.yml.

    ``cached_conversations`` (default 512, 0 turns the cache off) bounds how
    many recent conversations are kept in memory, ``cached_events`` (default
    20,000) how many events they hold in all, and
    ``cached_events_per_conversation`` (default 2,000) the longest one kept.
    """

    def __init__(
        self,
        domain: Domain | None = None,
        event_broker: EventBroker | None = None,
        cached_conversations: int = DEFAULT_CACHED_CONVERSATIONS,
        cached_events: int = DEFAULT_CACHED_EVENTS,
        cached_events_per_conversation: int = DEFAULT_CACHED_EVENTS_PER_CONVERSATION,
        **kwargs: Any,
    ) -> None:
        # before Rasa's engine creates the file (0644 under a usual umask)
        url = SQLTrackerStore.get_db_url(**db_url_arguments(kwargs))
        keep_sqlite_file_private(str(url))
        super().__init__(domain=domain, event_broker=event_broker, **kwargs)
        if self.engine.dialect.name == "sqlite":
            self.engine = pooled_sqlite_engine(self.engine)
            tune_sqlite(self.engine)
        else:
            self.engine = pinged_engine(self.engine)
        self.sessionmaker = sessionmaker(bind=self.engine)
        self._capacity = int(cached_conversations)
        self._event_budget = int(cached_events)
        self._longest_kept = int(cached_events_per_conversation)
        self._kept_events = 0
        self._recent: OrderedDict[str, Kept] = OrderedDict()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        try:
            return await self._kept_or_stored(sender_id)
        except sa.exc.SQLAlchemyError:
            STORE_UNREACHABLE.set(True)  # Rasa goes on with an empty conversation
            raise

    async def _kept_or_stored(self, sender_id: str) -> DialogueStateTracker | None:
        stored = self._stored(sender_id)
        kept = self._recent.get(sender_id)
        if kept is not None and kept.matches(stored):
            self._recent.move_to_end(sender_id)
            return kept.tracker
        tracker = await super().retrieve(sender_id)
        if tracker is not None and len(tracker.events) == stored.count:
            self._remember(Kept(tracker, stored))
        else:
            self._forget(sender_id)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        stored = self._known_stored(tracker)
        new_events = list(itertools.islice(tracker.events, stored.count, None))
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, sender_id)
        if new_events:
            rows = [self._row(sender_id, event) for event in new_events]
            with self.engine.begin() as connection:  # committed on leaving
                connection.execute(self.SQLEvent.__table__.insert(), rows)
                newest = connection.execute(
                    self._newest_statement, {"sender_id": sender_id}
                ).scalar_one()
            stored = Stored(stored.count + len(new_events), newest)
        self._remember(Kept(tracker, stored))

    def _known_stored(self, tracker: DialogueStateTracker) -> Stored:
        """What of the tracker's conversation is stored already.

        The tracker this store handed out (checked against the database then)
        or last saved itself needs no query: under Rasa's lock store nothing
        else writes the conversation while a message is being processed.
        """
        kept = self._recent.get(tracker.sender_id)
        if kept is not None and kept.tracker is tracker:
            return kept.stored
        return self._stored(tracker.sender_id)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        if self.event_broker is None:
            return
        stored = self._stored(tracker.sender_id)
        new_events = list(itertools.islice(tracker.events, stored.count, None))
        await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    def _remember(self, kept: Kept) -> None:
        sender_id = kept.tracker.sender_id
        self._forget(sender_id)
        too_long = kept.stored.count > self._longest_kept
        if self._capacity <= 0 or too_long:
            return
        self._recent[sender_id] = kept
        self._kept_events += kept.stored.count
        while (
            len(self._recent) > self._capacity or self._kept_events > self._event_budget
        ):
            _, oldest = self._recent.popitem(last=False)
            self._kept_events -= oldest.stored.count

    def _forget(self, sender_id: str) -> None:
        kept = self._recent.pop(sender_id, None)
        if kept is not None:
            self._kept_events -= kept.stored.count

    @staticmethod
    def _row(sender_id: str, event: Event) -> dict[str, Any]:
        """The database row Rasa's own ``save`` writes for an event."""
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": (data.get("parse_data") or {})
            .get("intent", {})
            .get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    def _stored(self, sender_id: str) -> Stored:
        """Events stored since the latest session start, counted as Rasa does,
        and the id of the newest stored event."""
        # A connection, not an ORM session: the session's set-up and tear-down
        # cost more than the query.
        with self.engine.connect() as connection:
            row = connection.execute(
                self._count_statement, {"sender_id": sender_id}
            ).one()
        return Stored(int(row[0]), row[1])

    @cached_property
    def _newest_statement(self) -> Any:
        """The id of the conversation's newest stored event."""
        events = self.SQLEvent.__table__
        return sa.select(sa.func.max(events.c.id)).where(
            events.c.sender_id == sa.bindparam("sender_id")
        )

    @cached_property
    def _count_statement(self) -> Any:
        """Rasa's latest-session event query as a COUNT, built once, with the
        newest event's id: a count alone cannot tell a new session of the same
        length, written by another server, from the one kept here.

        Building and compiling the ORM query for every message cost more than
        running it.
        """
        events = self.SQLEvent.__table__
        sender = sa.bindparam("sender_id")
        newest = self._newest_statement.scalar_subquery()
        session_start = (
            sa.select(sa.func.max(events.c.timestamp))
            .where(
                events.c.sender_id == sender,
                events.c.type_name == SessionStarted.type_name,
            )
            .scalar_subquery()
        )
        return sa.select(sa.func.count(), newest).where(
            events.c.sender_id == sender,
            sa.or_(events.c.timestamp >= session_start, session_start.is_(None)),
        )
