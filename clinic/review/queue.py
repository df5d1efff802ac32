"""The review queue: visitors' messages the assistant probably handled badly.

Staff read each one with a little context and either assign it to a topic (it
becomes a training example) or ignore it; both are stored as review decisions
(clinic/store/review_decisions.py), which take the message off the queue.

Conversations are read from Rasa's ``events`` table with SQLAlchemy Core. SQL
first picks the conversations that can hold a qualifying message (a low
confidence, fallback, out-of-scope or human-handoff intent, or a thumbs-down
from the visitor); only their events are decoded, newest conversations first,
and reading stops once older conversations cannot change the result.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from clinic.evaluation import label_from_parse
from clinic.intent_names import CRISIS, HUMAN_HANDOFF, NLU_FALLBACK, OUT_OF_SCOPE
from clinic.store.answer_feedback import unhelpful_texts
from clinic.store.models import answer_feedback
from clinic.store.review_decisions import decided

CONTEXT_TURNS_BEFORE = 3
# Conversations decoded at a time while filling the queue.
CONVERSATIONS_PER_BATCH = 50
# Set while a visitor waits for, or talks with, a person (clinic/policies/handoff.py):
# the assistant does not answer then, so there is nothing to learn from.
HANDOFF_STATE_SLOT = "handoff_state"
# Slots holding what visitors tell the forms about themselves (domain/*.yml).
PERSONAL_SLOTS = (
    "booking_first_name",
    "booking_contact",
    "callback_first_name",
    "callback_contact",
)
# While a form asks the visitor for something (name, contact, hopes...), the
# answer is personal and never a training example: not reviewable.
REQUESTED_SLOT = "requested_slot"
# Event types the queue reads; everything else (actions...) is skipped.
READ_TYPES = ("user", "bot", "slot", "active_loop", "session_started", "restart")

events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String),
    sa.column("timestamp", sa.Float),
    sa.column("intent_name", sa.String),
    sa.column("action_name", sa.String),
    sa.column("data", sa.Text),
)
# What is read of an event (the Insights fold reads the same, with the id).
READ_COLUMNS = (
    events.c.sender_id,
    events.c.type_name,
    events.c.timestamp,
    events.c.action_name,
    events.c.data,
)


@dataclass(frozen=True)
class Turn:
    speaker: str  # "visitor" | "assistant" | "staff"
    text: str


@dataclass(frozen=True)
class ReviewItem:
    conversation_id: str
    timestamp: float  # the UserUttered event's timestamp: the message's identity
    text: str  # as the visitor typed it
    predicted: str  # "faq/<key>", "out_of_scope/<key>", an intent, "nlu_fallback"
    confidence: float
    reasons: tuple[str, ...]
    before: list[Turn]
    after: list[Turn]
    # What the visitor told the conversation's forms (names, contacts): to scrub.
    personal_details: tuple[str, ...] = ()


@dataclass
class _Message:
    """A visitor's message as read from the events, before it is judged."""

    timestamp: float
    text: str
    predicted: str
    confidence: float
    reviewable: bool
    turn_index: int
    answers: list[str] = field(default_factory=list)
    next_intent: str | None = None


# ---- public API ---------------------------------------------------------------


def review_queue(
    engine: Engine, limit: int = 100, low_confidence: float = 0.5
) -> list[ReviewItem]:
    """Messages to review, newest first, without those staff decided on."""
    done = decided(engine)
    items: list[ReviewItem] = []
    with engine.connect() as connection:
        for batch in _candidate_batches(connection, low_confidence):
            if len(items) >= limit and batch[0][1] < items[limit - 1].timestamp:
                break  # no message of these older conversations can make the cut
            conversation_ids = [conversation_id for conversation_id, _ in batch]
            for item in _items_of(engine, connection, conversation_ids, low_confidence):
                if (item.conversation_id, item.timestamp) not in done:
                    items.append(item)
            items.sort(key=lambda item: item.timestamp, reverse=True)
    return items[:limit]


def review_item(
    engine: Engine, conversation_id: str, timestamp: float, low_confidence: float = 0.5
) -> ReviewItem | None:
    """The visitor's message at `timestamp`, whether or not it qualifies (its
    reasons are then empty); None unless it is a reviewable typed message."""
    with engine.connect() as connection:
        rows = _conversation_events(connection, [conversation_id]).get(conversation_id)
    if not rows:
        return None
    feedback = unhelpful_texts(engine, [conversation_id]).get(conversation_id, set())
    turns, messages = _read_conversation(rows)
    for message in messages:
        if message.timestamp == timestamp and message.reviewable:
            reasons = _reasons(message, feedback, low_confidence)
            known = tuple(_personal_values(rows))
            return _item(conversation_id, message, reasons, turns, known)
    return None


# ---- choosing conversations in SQL --------------------------------------------


def _confidence_column(dialect: str) -> Any:
    """The user event's intent confidence, read from its JSON in SQL."""
    # SQLite's json_extract reads text as it is; PostgreSQL needs a cast to json.
    data = (
        sa.cast(events.c.data, sa.JSON)
        if dialect == "postgresql"
        else sa.type_coerce(events.c.data, sa.JSON)
    )
    return data[("parse_data", "intent", "confidence")].as_float()


def _candidate_batches(
    connection: Connection, low_confidence: float
) -> Iterator[list[tuple[str, float]]]:
    """Conversations that may hold a qualifying message, with the timestamp of
    their latest such message (an upper bound), newest first, in batches."""
    query = _candidates_query(connection.dialect.name, low_confidence)
    batch: list[tuple[str, float]] = []
    for conversation_id, latest in connection.execute(query).all():
        batch.append((str(conversation_id), float(latest or 0.0)))
        if len(batch) == CONVERSATIONS_PER_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _candidates_query(dialect: str, low_confidence: float) -> Any:
    user = events.c.type_name == "user"
    suspicious = sa.or_(
        events.c.intent_name.in_((NLU_FALLBACK, HUMAN_HANDOFF)),
        events.c.intent_name.like(f"{OUT_OF_SCOPE}%"),
        _confidence_column(dialect) < low_confidence,
    )
    unhelpful = sa.select(answer_feedback.c.conversation_id).where(
        answer_feedback.c.rating == "down"
    )
    return (
        sa.select(events.c.sender_id, sa.func.max(events.c.timestamp))
        .where(user, sa.or_(suspicious, events.c.sender_id.in_(unhelpful)))
        .group_by(events.c.sender_id)
        .order_by(sa.func.max(events.c.timestamp).desc())
    )


def _conversation_events(
    connection: Connection, conversation_ids: list[str]
) -> dict[str, list[sa.Row[Any]]]:
    query = (
        sa.select(*READ_COLUMNS)
        .where(
            events.c.sender_id.in_(conversation_ids),
            events.c.type_name.in_(READ_TYPES),
        )
        .order_by(events.c.sender_id, events.c.id)
    )
    grouped: dict[str, list[sa.Row[Any]]] = {}
    for row in connection.execute(query):
        grouped.setdefault(row.sender_id, []).append(row)
    return grouped


def _items_of(
    engine: Engine,
    connection: Connection,
    conversation_ids: list[str],
    low_confidence: float,
) -> Iterator[ReviewItem]:
    conversations = _conversation_events(connection, conversation_ids)
    feedback = unhelpful_texts(engine, conversation_ids)
    for conversation_id, rows in conversations.items():
        turns, messages = _read_conversation(rows)
        known = tuple(_personal_values(rows))
        marked = feedback.get(conversation_id, set())
        for message in messages:
            reasons = _reasons(message, marked, low_confidence)
            if message.reviewable and reasons:
                yield _item(conversation_id, message, reasons, turns, known)


# ---- reading one conversation ---------------------------------------------------


def decoded(data: str | None) -> dict[str, Any]:
    """An event's ``data`` column as a dict; {} when it is not a JSON object."""
    try:
        value = json.loads(data or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _personal_values(rows: Iterable[Any]) -> list[str]:
    """Names, emails and phone numbers the visitor gave in the conversation's
    forms, to scrub from what staff copy out of it."""
    values: list[str] = []
    for row in rows:
        if row.type_name != "slot" or row.action_name not in PERSONAL_SLOTS:
            continue
        value = decoded(row.data).get("value")
        if isinstance(value, str) and value.strip() and value.strip() not in values:
            values.append(value.strip())
    return values


def _read_conversation(rows: Iterable[Any]) -> tuple[list[Turn], list[_Message]]:
    """Its turns, and each visitor message with the answers it got."""
    turns: list[Turn] = []
    messages: list[_Message] = []
    handoff_state: Any = None
    form: Any = None
    for row in rows:
        data = decoded(row.data)
        if row.type_name in ("session_started", "restart"):
            handoff_state = form = None  # slots carried over are set again after it
        elif row.type_name == "active_loop":
            form = data.get("name")
        elif row.type_name == "slot":
            if data.get("name") == HANDOFF_STATE_SLOT:
                handoff_state = data.get("value")
            elif data.get("name") == REQUESTED_SLOT:
                form = form or data.get("value")
        elif row.type_name == "user":
            private = handoff_state or form
            message = _visitor_message(row, data, len(turns), private)
            if message is None:
                continue
            if messages and messages[-1].next_intent is None:
                messages[-1].next_intent = message.predicted
            messages.append(message)
            turns.append(Turn("visitor", message.text))
        elif row.type_name == "bot":
            turn = _bot_turn(data)
            if turn is None:
                continue
            turns.append(turn)
            if turn.speaker == "assistant" and messages:
                messages[-1].answers.append(turn.text)
    return turns, messages


def _visitor_message(
    row: Any, data: dict[str, Any], turn_index: int, private: Any
) -> _Message | None:
    """``private``: sent to staff, or in answer to a form's question."""
    text = str(data.get("text") or "")
    if not text.strip() or text.startswith("EXTERNAL:"):
        return None  # reminders and the console's events, not the visitor
    parse_data = data.get("parse_data") or {}
    intent = parse_data.get("intent") or {}
    predicted = label_from_parse(parse_data)
    typed = not text.startswith("/")  # a button's payload, not typed words
    return _Message(
        timestamp=float(row.timestamp),
        text=text,
        predicted=predicted,
        # Unclassified (no NLU ran): not judged on confidence, as in SQL.
        confidence=float(intent.get("confidence", 1.0) or 0.0),
        reviewable=typed and not private and intent.get("name") != CRISIS,
        turn_index=turn_index,
    )


def _bot_turn(data: dict[str, Any]) -> Turn | None:
    custom = (data.get("data") or {}).get("custom") or {}
    staff = custom.get("data") if isinstance(custom, dict) else None
    if isinstance(staff, dict) and staff.get("staff_name"):
        return Turn("staff", str(staff.get("text") or ""))
    text = str(data.get("text") or "").strip()
    return Turn("assistant", text) if text else None


def _reasons(
    message: _Message, unhelpful: set[str], low_confidence: float
) -> tuple[str, ...]:
    reasons = []
    if message.predicted == NLU_FALLBACK:
        reasons.append("not understood (fallback)")
    elif message.confidence < low_confidence:
        # A fallback's confidence is the threshold, not the model's: not shown.
        reasons.append(f"low confidence ({round(message.confidence * 100)}%)")
    if message.predicted.startswith(OUT_OF_SCOPE):
        reasons.append("out of scope")
    if message.next_intent == HUMAN_HANDOFF:
        reasons.append("followed by a request for a person")
    if any(answer in unhelpful for answer in message.answers):
        reasons.append("marked unhelpful by the visitor")
    return tuple(reasons)


def _item(
    conversation_id: str,
    message: _Message,
    reasons: tuple[str, ...],
    turns: list[Turn],
    known: tuple[str, ...],
) -> ReviewItem:
    index = message.turn_index
    return ReviewItem(
        conversation_id=conversation_id,
        timestamp=message.timestamp,
        text=message.text,
        predicted=message.predicted,
        confidence=message.confidence,
        reasons=reasons,
        before=turns[max(0, index - CONTEXT_TURNS_BEFORE) : index],
        after=_turns_after(turns, index),
        personal_details=known,
    )


def _turns_after(turns: list[Turn], index: int) -> list[Turn]:
    """The answers to the message, up to and including the visitor's next turn."""
    after: list[Turn] = []
    for turn in turns[index + 1 :]:
        after.append(turn)
        if turn.speaker == "visitor":
            break
    return after
