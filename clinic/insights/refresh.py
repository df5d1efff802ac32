"""Folding new conversation events into the Insights rows.

Rasa's ``events`` table is read from where the last refresh stopped, in id
order, a batch at a time. Each batch is folded into ``insight_conversations``
(one row per conversation: its local start day, booking and handoff facts, and
the form state the next batch continues from) and ``insight_daily_counts``
(per local day: visitor messages, topics, fallbacks, ratings and scrubbed
unrecognised messages). The batch and the new position are written in one
transaction that first claims the position, so two console processes never
fold the same events twice.

Events younger than ``INSIGHTS_SETTLE_SECONDS`` are left for the next refresh:
a Rasa replica's transaction may still be writing events with lower ids.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from clinic.evaluation import label_from_parse
from clinic.intent_names import HUMAN_HANDOFF, NLU_FALLBACK, topic_of
from clinic.review.queue import (
    HANDOFF_STATE_SLOT,
    PERSONAL_SLOTS,
    READ_COLUMNS,
    READ_TYPES,
    REQUESTED_SLOT,
    decoded,
    events,
)
from clinic.review.scrub import scrub
from clinic.store.models import (
    answer_feedback,
    insight_conversations,
    insight_daily_counts,
    insight_progress,
)
from clinic.store.rows import as_utc

BOOKING_FORM = "booking_form"
BOOKING_PAYLOAD = "/book_appointment"
STOP_QUESTION = "booking_stop_confirmed"
BATCH_EVENTS = 20_000
FEEDBACK_PER_REFRESH = 1_000
DEFAULT_SETTLE_SECONDS = 15.0
MAX_UNRECOGNISED_CHARS = 200
# Slots whose events are read; the rest are skipped without decoding their data.
READ_SLOTS = (REQUESTED_SLOT, HANDOFF_STATE_SLOT, *PERSONAL_SLOTS)

# Metrics of insight_daily_counts.
MESSAGES = "messages"  # every visitor message
TOPIC = "topic"  # messages outside forms and live chats, by topic
UNRECOGNISED = "unrecognised"  # fallbacks, by scrubbed text
RATED_DOWN = "rated_down"  # 👎 by the topic of the answer
RATED_UP = "rated_up"


def settle_seconds() -> float:
    return float(os.environ.get("INSIGHTS_SETTLE_SECONDS", DEFAULT_SETTLE_SECONDS))


@dataclass
class Conversation:
    """A conversation's row, as read and as this batch changes it."""

    conversation_id: str
    day: str | None = None
    messages: int = 0
    booking_offered: bool = False
    booking_started: bool = False
    booking_question: str | None = None
    handoff_requested: bool = False
    form: str | None = None
    handoff_state: str | None = None
    stored: bool = False
    known: list[str] = field(default_factory=list)  # personal details seen
    # Details given before this batch are read (not kept in the row) the first
    # time an unrecognised message needs scrubbing.
    earlier_read: bool = False

    def as_row(self) -> dict[str, Any]:
        return {c.name: getattr(self, c.name) for c in insight_conversations.c}


EarlierDetails = Callable[[str], list[str]]


class Fold:
    """One batch of events, folded into conversations and daily counts."""

    def __init__(
        self,
        zone: ZoneInfo,
        stored: dict[str, Conversation],
        earlier_details: EarlierDetails = lambda _: [],
    ) -> None:
        self.zone = zone
        self.conversations = stored
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self.earlier_details = earlier_details

    def day_of(self, timestamp: float) -> str:
        return datetime.fromtimestamp(timestamp, self.zone).date().isoformat()

    def add(self, row: Any) -> None:
        conversation = self.conversations.setdefault(
            row.sender_id, Conversation(row.sender_id)
        )
        kind = row.type_name
        if kind in ("session_started", "restart"):
            conversation.form = conversation.handoff_state = None
        elif kind == "active_loop":
            self._loop(conversation, row.action_name)
        elif kind == "slot":
            self._slot(conversation, row.action_name, decoded(row.data).get("value"))
        elif kind == "bot":
            if BOOKING_PAYLOAD in (row.data or "") and _offers_booking(
                decoded(row.data)
            ):
                conversation.booking_offered = True
        elif kind == "user":
            self._message(conversation, row, decoded(row.data))

    def _loop(self, conversation: Conversation, name: str | None) -> None:
        conversation.form = name or None
        if name == BOOKING_FORM:
            conversation.booking_started = conversation.booking_offered = True

    def _slot(self, conversation: Conversation, name: str, value: Any) -> None:
        if name == HANDOFF_STATE_SLOT:
            conversation.handoff_state = str(value)[:32] if value else None
        elif name == REQUESTED_SLOT:
            # "Do you want to stop?" is not where a visitor gave up: the
            # question before it is.
            if value and value != STOP_QUESTION and conversation.form == BOOKING_FORM:
                conversation.booking_question = str(value)[:64]
        elif isinstance(value, str) and value.strip():
            conversation.known.append(value.strip())

    def _message(self, conversation: Conversation, row: Any, data: dict) -> None:
        text = str(data.get("text") or "")
        if not text.strip() or text.startswith("EXTERNAL:"):
            return  # reminders and the console's events, not the visitor
        day = self.day_of(float(row.timestamp))
        conversation.day = conversation.day or day
        conversation.messages += 1
        self.counts[(day, MESSAGES, "")] += 1
        if conversation.form or conversation.handoff_state:
            return  # an answer to a form's question, or words for a person
        parse = data.get("parse_data") or {}
        topic = topic_of(label_from_parse(parse)) or NLU_FALLBACK
        self.counts[(day, TOPIC, topic[:255])] += 1
        if topic == HUMAN_HANDOFF:
            conversation.handoff_requested = True
        typed = not text.startswith("/")
        if topic == NLU_FALLBACK and typed:
            if conversation.stored and not conversation.earlier_read:
                earlier = self.earlier_details(conversation.conversation_id)
                conversation.known[:0] = earlier
                conversation.earlier_read = True
            self.counts[(day, UNRECOGNISED, unrecognised_key(text, conversation))] += 1


def unrecognised_key(text: str, conversation: Conversation) -> str:
    """The message as staff may read it: scrubbed, one line, bounded, and
    storable (a lone surrogate, which JSON lets a visitor send, is not UTF-8:
    the database refused the whole batch, on every fold after it)."""
    storable = text[:2_000].encode("utf-8", "replace").decode("utf-8")
    scrubbed = " ".join(scrub(storable, conversation.known).split())
    if len(scrubbed) > MAX_UNRECOGNISED_CHARS:
        scrubbed = scrubbed[: MAX_UNRECOGNISED_CHARS - 1] + "…"
    return scrubbed.casefold()


def _offers_booking(data: dict[str, Any]) -> bool:
    buttons = (data.get("data") or {}).get("buttons") or []
    return any(
        isinstance(button, dict)
        and str(button.get("payload", "")).startswith(BOOKING_PAYLOAD)
        for button in buttons
    )


# --- the refresh ----------------------------------------------------------------


def refresh(
    engine: Engine, zone: str, max_batches: int = 1_000, now: float | None = None
) -> int:
    """Folds what arrived since the last refresh; returns the events folded."""
    if not sa.inspect(engine).has_table("events"):
        return 0  # Rasa has not started on this database yet
    _start_again_if_the_zone_changed(engine, zone)
    settled_before = (time.time() if now is None else now) - settle_seconds()
    folded = 0
    for _ in range(max_batches):
        count, more = _fold_batch(engine, ZoneInfo(zone), settled_before)
        folded += count
        if not more:
            break
    _fold_feedback(engine, ZoneInfo(zone))
    return folded


def _progress(connection: Connection) -> Any:
    row = connection.execute(
        sa.select(insight_progress).where(insight_progress.c.id == 1)
    ).first()
    if row is None:
        connection.execute(
            sa.insert(insight_progress).values(
                id=1, last_event_id=0, last_feedback_id=0, timezone=""
            )
        )
        return _progress(connection)
    return row


def _claim(connection: Connection, column: str, old: int, new: int) -> bool:
    """Moves the position from ``old`` to ``new``; False when another process
    moved it first (its rows are the ones kept)."""
    result = connection.execute(
        sa.update(insight_progress)
        .where(insight_progress.c.id == 1, insight_progress.c[column] == old)
        .values({column: new})
    )
    return result.rowcount == 1


def _start_again_if_the_zone_changed(engine: Engine, zone: str) -> None:
    """Days are the clinic's: a new time zone re-reads every conversation."""
    with engine.begin() as connection:
        progress = _progress(connection)
        if progress.timezone == zone:
            return
        connection.execute(sa.delete(insight_daily_counts))
        connection.execute(sa.delete(insight_conversations))
        connection.execute(
            sa.update(insight_progress)
            .where(insight_progress.c.id == 1)
            .values(last_event_id=0, last_feedback_id=0, timezone=zone)
        )


def _fold_batch(
    engine: Engine, zone: ZoneInfo, settled_before: float
) -> tuple[int, bool]:
    # Read and folded without writing, so that no write lock is held while the
    # batch is decoded: on SQLite that would make the Rasa server's own writes
    # (visitors' messages) wait. The position is claimed at the end, with the
    # rows, by compare-and-set: a batch another process folded first is dropped.
    with engine.connect() as connection:
        start = int(_progress(connection).last_event_id)
        end = _settled_end(connection, start, settled_before)
        rows = connection.execute(_batch_query(start, end)).all()
        more = len(rows) == BATCH_EVENTS
        # Past the last row read, or past the events of types it skips.
        position = int(rows[-1].id) if more else _last_id_before(connection, start, end)
        if position == start:
            return 0, False
        fold = Fold(
            zone,
            _stored_conversations(connection, {r.sender_id for r in rows}),
            lambda conversation_id: _details_given(connection, conversation_id, start),
        )
        for row in rows:
            fold.add(row)
    with engine.begin() as connection:
        if not _claim(connection, "last_event_id", start, position):
            return 0, False
        _write_conversations(connection, fold.conversations.values())
        _add_counts(connection, fold.counts)
    return len(rows), more


def _batch_query(start: int, end: int) -> sa.Select:
    return (
        sa.select(events.c.id, *READ_COLUMNS)
        .where(
            events.c.id > start,
            events.c.id < end,
            events.c.type_name.in_(READ_TYPES),
            sa.or_(events.c.type_name != "slot", events.c.action_name.in_(READ_SLOTS)),
        )
        .order_by(events.c.id)
        .limit(BATCH_EVENTS)
    )


def events_deleted(connection: Connection) -> None:
    """After events are deleted: SQLite gives the ids of deleted newest events
    to the next ones, which the fold would skip as already read; its position
    goes back to the last event kept."""
    kept = _last_event_id(connection)
    connection.execute(
        sa.update(insight_progress)
        .where(insight_progress.c.id == 1, insight_progress.c.last_event_id > kept)
        .values(last_event_id=kept)
    )


def _details_given(
    connection: Connection, conversation_id: str, before: int
) -> list[str]:
    """The personal details (names, contact) a conversation gave in events
    folded earlier, for scrubbing its later messages."""
    query = sa.select(events.c.data).where(
        events.c.sender_id == conversation_id,
        events.c.id <= before,
        events.c.type_name == "slot",
        events.c.action_name.in_(PERSONAL_SLOTS),
    )
    values = (decoded(data).get("value") for data in connection.scalars(query))
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def _last_id_before(connection: Connection, start: int, end: int) -> int:
    """The last event id below ``end`` that this transaction sees. Not
    ``end - 1``: on PostgreSQL an id below it may belong to a save not yet
    committed (a later one committed first), and is read next time."""
    last = connection.execute(
        sa.select(sa.func.max(events.c.id)).where(
            events.c.id > start, events.c.id < end
        )
    ).scalar()
    return int(last) if last is not None else start


def _last_event_id(connection: Connection) -> int:
    return int(connection.execute(sa.select(sa.func.max(events.c.id))).scalar() or 0)


def _settled_end(connection: Connection, start: int, settled_before: float) -> int:
    """The first event id not to read yet: the oldest unsettled one, or past the end."""
    unsettled = connection.execute(
        sa.select(sa.func.min(events.c.id)).where(
            events.c.id > start, events.c.timestamp >= settled_before
        )
    ).scalar()
    return int(unsettled) if unsettled is not None else _last_event_id(connection) + 1


def _stored_conversations(
    connection: Connection, ids: set[str]
) -> dict[str, Conversation]:
    stored: dict[str, Conversation] = {}
    ordered = sorted(ids)
    for first in range(0, len(ordered), 500):
        chunk = ordered[first : first + 500]
        query = sa.select(insight_conversations).where(
            insight_conversations.c.conversation_id.in_(chunk)
        )
        for row in connection.execute(query):
            values = dict(row._mapping)
            stored[row.conversation_id] = Conversation(**values, stored=True)
    return stored


def _write_conversations(
    connection: Connection, conversations: Iterable[Conversation]
) -> None:
    with_messages = [c for c in conversations if c.day is not None]
    new = [c.as_row() for c in with_messages if not c.stored]
    old = [c.as_row() for c in with_messages if c.stored]
    if new:
        connection.execute(sa.insert(insight_conversations), new)
    if old:
        table = insight_conversations
        connection.execute(
            sa.update(table)
            .where(table.c.conversation_id == sa.bindparam("key"))
            .values({name: sa.bindparam(f"v_{name}") for name in old[0]}),
            [
                {f"v_{name}": value for name, value in row.items()}
                | {"key": row["conversation_id"]}
                for row in old
            ],
        )


def _add_counts(connection: Connection, counts: Counter[tuple[str, str, str]]) -> None:
    if not counts:
        return
    table = insight_daily_counts
    days = sorted({day for day, _, _ in counts})
    existing: set[tuple[str, str, str]] = set()
    for row in connection.execute(
        sa.select(table.c.day, table.c.metric, table.c.key).where(table.c.day.in_(days))
    ):
        existing.add((row.day, row.metric, row.key))
    updates = [
        {"d": day, "m": metric, "k": key, "n": n}
        for (day, metric, key), n in counts.items()
        if (day, metric, key) in existing
    ]
    inserts = [
        {"day": day, "metric": metric, "key": key, "count": n}
        for (day, metric, key), n in counts.items()
        if (day, metric, key) not in existing
    ]
    if updates:
        connection.execute(
            sa.update(table)
            .where(
                table.c.day == sa.bindparam("d"),
                table.c.metric == sa.bindparam("m"),
                table.c.key == sa.bindparam("k"),
            )
            .values(count=table.c.count + sa.bindparam("n")),
            updates,
        )
    if inserts:
        connection.execute(sa.insert(table), inserts)


# --- ratings ----------------------------------------------------------------------


def _fold_feedback(engine: Engine, zone: ZoneInfo) -> None:
    """Each new 👍/👎 counted under the topic of the message the answer answered
    (read first, written at the end, as the events are)."""
    with engine.connect() as connection:
        start = int(_progress(connection).last_feedback_id)
        rows = connection.execute(
            sa.select(answer_feedback)
            .where(answer_feedback.c.id > start)
            .order_by(answer_feedback.c.id)
            .limit(FEEDBACK_PER_REFRESH)
        ).all()
        if not rows:
            return
        counts: Counter[tuple[str, str, str]] = Counter()
        for row in rows:
            at = as_utc(row.created_at)
            day = at.astimezone(zone).date().isoformat()
            metric = RATED_DOWN if row.rating == "down" else RATED_UP
            topic = _topic_answered(connection, row.conversation_id, row.bot_text, at)
            counts[(day, metric, topic)] += 1
    with engine.begin() as connection:
        if _claim(connection, "last_feedback_id", start, rows[-1].id):
            _add_counts(connection, counts)


def _topic_answered(
    connection: Connection, conversation_id: str, bot_text: str, at: datetime
) -> str:
    """The topic of the visitor's message before the rated answer ("" if unknown)."""
    rows = connection.execute(
        sa.select(events.c.type_name, events.c.data)
        .where(
            events.c.sender_id == conversation_id,
            events.c.type_name.in_(("user", "bot")),
            events.c.timestamp <= at.timestamp() + 1,
        )
        .order_by(events.c.id)
    ).all()
    topic, answered = "", ""
    for row in rows:
        data = decoded(row.data)
        if row.type_name == "user":
            topic = topic_of(label_from_parse(data.get("parse_data") or {}))
        elif str(data.get("text") or "")[: len(bot_text)] == bot_text and bot_text:
            answered = topic
    return answered[:255]
