"""The Insights figures for a period of the clinic's local days.

Everything is summed from the folded rows (clinic/insights/refresh.py) and the
clinic's own tables. Nothing here reads a visitor's contact details or the words
of a crisis message.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from clinic.insights.refresh import (
    MESSAGES,
    RATED_DOWN,
    RATED_UP,
    TOPIC,
    UNRECOGNISED,
)
from clinic.intent_names import NLU_FALLBACK
from clinic.store.models import (
    booking_requests,
    crisis_flags,
    handoff_tickets,
    insight_conversations,
    insight_daily_counts,
)
from clinic.store.rows import as_utc

TOP_UNRECOGNISED = 10
# The booking form's questions (domain/booking.yml), as staff name them.
QUESTIONS = {
    "booking_first_name": "first name",
    "booking_contact": "phone or email",
    "booking_days": "days",
    "booking_time": "time of day",
    "booking_hopes": "what they hope for",
    "booking_consent": "consent to be contacted",
    "booking_confirmed": "confirming the details",
}
NOT_ASKED = "before the first question"


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    @property
    def days(self) -> list[date]:
        return [
            self.first + timedelta(n) for n in range((self.last - self.first).days + 1)
        ]

    def previous(self) -> Period:
        length = timedelta(len(self.days))
        return Period(self.first - length, self.last - length)

    def utc_bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """In UTC: SQLite keeps times as naive UTC text and compares the bound's
        wall-clock digits, whatever its zone."""
        start = datetime.combine(self.first, time(), zone)
        end = datetime.combine(self.last + timedelta(1), time(), zone)
        return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


@dataclass(frozen=True)
class Day:
    day: date
    conversations: int
    messages: int


@dataclass(frozen=True)
class Topic:
    topic: str
    messages: int
    previous: int

    @property
    def change(self) -> int:
        return self.messages - self.previous


@dataclass(frozen=True)
class Rating:
    topic: str
    answers: int
    down: int
    up: int

    @property
    def down_share(self) -> float | None:
        return self.down / self.answers if self.answers else None


@dataclass(frozen=True)
class Waits:
    """Seconds from a request (or flag) to a person acting on it."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class Report:
    period: Period
    days: list[Day]
    topics: list[Topic]
    fallbacks: int
    understood_or_not: int  # messages outside forms and live chats
    ratings: list[Rating]
    unrecognised: list[tuple[str, int]]
    funnel: dict[str, int]  # offered, started, completed, contacted
    drop_off: list[tuple[str, int]]
    handoffs: dict[str, Any]
    crisis: dict[str, Any]

    @property
    def conversations(self) -> int:
        return sum(day.conversations for day in self.days)

    @property
    def messages(self) -> int:
        return sum(day.messages for day in self.days)

    @property
    def fallback_share(self) -> float | None:
        return (
            self.fallbacks / self.understood_or_not if self.understood_or_not else None
        )


def build_report(engine: Engine, period: Period, zone: str) -> Report:
    local = ZoneInfo(zone)
    with engine.connect() as connection:
        counts = _counts(connection, period)
        previous = _counts(connection, period.previous())
        topics = _topics(counts, previous)
        return Report(
            period=period,
            days=_days(connection, period),
            topics=topics,
            fallbacks=counts[(TOPIC, NLU_FALLBACK)],
            understood_or_not=sum(topic.messages for topic in topics),
            ratings=_ratings(counts),
            unrecognised=_unrecognised(connection, period),
            funnel=_funnel(connection, period),
            drop_off=_drop_off(connection, period),
            handoffs=_handoffs(connection, period, local),
            crisis=_crisis(connection, period, local),
        )


def _in_period(column: Any, period: Period) -> Any:
    return column.between(period.first.isoformat(), period.last.isoformat())


def _counts(connection: Connection, period: Period) -> Counter[tuple[str, str]]:
    """(metric, key) → the period's total, every metric but the unrecognised."""
    table = insight_daily_counts
    query = (
        sa.select(table.c.metric, table.c.key, sa.func.sum(table.c.count))
        .where(_in_period(table.c.day, period), table.c.metric != UNRECOGNISED)
        .group_by(table.c.metric, table.c.key)
    )
    return Counter({(m, k): int(n) for m, k, n in connection.execute(query)})


def _days(connection: Connection, period: Period) -> list[Day]:
    conversations = dict(
        connection.execute(
            sa.select(insight_conversations.c.day, sa.func.count())
            .where(_in_period(insight_conversations.c.day, period))
            .group_by(insight_conversations.c.day)
        ).all()
    )
    table = insight_daily_counts
    messages = dict(
        connection.execute(
            sa.select(table.c.day, sa.func.sum(table.c.count))
            .where(_in_period(table.c.day, period), table.c.metric == MESSAGES)
            .group_by(table.c.day)
        ).all()
    )
    return [
        Day(
            day,
            int(conversations.get(day.isoformat(), 0)),
            int(messages.get(day.isoformat(), 0)),
        )
        for day in period.days
    ]


def _topics(
    counts: Counter[tuple[str, str]], previous: Counter[tuple[str, str]]
) -> list[Topic]:
    # A topic asked before and not at all now is a change too.
    names = {key for metric, key in (*counts, *previous) if metric == TOPIC}
    topics = [
        Topic(name, counts[(TOPIC, name)], previous[(TOPIC, name)]) for name in names
    ]
    return sorted(topics, key=lambda topic: (-topic.messages, topic.topic))


def _ratings(counts: Counter[tuple[str, str]]) -> list[Rating]:
    rated = {key for metric, key in counts if metric in (RATED_DOWN, RATED_UP)}
    ratings = [
        Rating(
            topic or "(answer not found)",
            counts[(TOPIC, topic)],
            counts[(RATED_DOWN, topic)],
            counts[(RATED_UP, topic)],
        )
        for topic in rated
    ]
    return sorted(ratings, key=lambda rating: (-rating.down, rating.topic))


def _unrecognised(connection: Connection, period: Period) -> list[tuple[str, int]]:
    table = insight_daily_counts
    total = sa.func.sum(table.c.count).label("total")
    query = (
        sa.select(table.c.key, total)
        .where(_in_period(table.c.day, period), table.c.metric == UNRECOGNISED)
        .group_by(table.c.key)
        .order_by(total.desc(), table.c.key)
        .limit(TOP_UNRECOGNISED)
    )
    return [(key, int(count)) for key, count in connection.execute(query)]


def _booked(period: Period, *conditions: Any) -> Any:
    """Conversations of the period with a stored booking request."""
    return (
        sa.select(sa.func.count(sa.distinct(booking_requests.c.conversation_id)))
        .select_from(
            booking_requests.join(
                insight_conversations,
                insight_conversations.c.conversation_id
                == booking_requests.c.conversation_id,
            )
        )
        .where(_in_period(insight_conversations.c.day, period), *conditions)
    )


def _funnel(connection: Connection, period: Period) -> dict[str, int]:
    table = insight_conversations
    offered, started = connection.execute(
        sa.select(
            sa.func.count().filter(table.c.booking_offered),
            sa.func.count().filter(table.c.booking_started),
        ).where(_in_period(table.c.day, period))
    ).one()
    completed = connection.execute(_booked(period)).scalar_one()
    contacted = connection.execute(
        _booked(period, booking_requests.c.status != "new")
    ).scalar_one()
    return {
        "offered": int(offered),
        "started": int(started),
        "completed": int(completed),
        "contacted": int(contacted),
    }


def _drop_off(connection: Connection, period: Period) -> list[tuple[str, int]]:
    """Conversations that started the form and stored no request, by the last
    question the form asked them."""
    table = insight_conversations
    stored = sa.exists().where(
        booking_requests.c.conversation_id == table.c.conversation_id
    )
    query = (
        sa.select(table.c.booking_question, sa.func.count())
        .where(_in_period(table.c.day, period), table.c.booking_started, ~stored)
        .group_by(table.c.booking_question)
    )
    left = Counter()
    for question, count in connection.execute(query):
        left[QUESTIONS.get(question or "", question or NOT_ASKED)] += int(count)
    return sorted(left.items(), key=lambda item: (-item[1], item[0]))


def waits(seconds: list[float]) -> Waits:
    ordered = sorted(seconds)
    if not ordered:
        return Waits(0, None, None)
    return Waits(len(ordered), _rank(ordered, 0.5), _rank(ordered, 0.9))


def _rank(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile: a wait some request really had."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _handoffs(connection: Connection, period: Period, zone: ZoneInfo) -> dict[str, Any]:
    start, end = period.utc_bounds(zone)
    table = insight_conversations
    requested = connection.execute(
        sa.select(sa.func.count()).where(
            _in_period(table.c.day, period), table.c.handoff_requested
        )
    ).scalar_one()
    tickets = connection.execute(
        sa.select(
            handoff_tickets.c.kind,
            handoff_tickets.c.status,
            handoff_tickets.c.created_at,
            handoff_tickets.c.assigned_at,
        ).where(
            handoff_tickets.c.created_at >= start, handoff_tickets.c.created_at < end
        )
    ).all()
    live = [t for t in tickets if t.kind == "live"]
    picked = [t for t in live if t.assigned_at is not None]
    callbacks = [t for t in tickets if t.kind == "callback"]
    return {
        "requested": int(requested),
        "live_waiting": len(live),
        "picked_up": len(picked),
        "pick_up": waits(
            [
                (as_utc(t.assigned_at) - as_utc(t.created_at)).total_seconds()
                for t in picked
            ]
        ),
        "callbacks": len(callbacks),
        "callbacks_open": sum(1 for t in callbacks if t.status in ("new", "assigned")),
    }


def _crisis(connection: Connection, period: Period, zone: ZoneInfo) -> dict[str, Any]:
    start, end = period.utc_bounds(zone)
    flags = connection.execute(
        sa.select(
            crisis_flags.c.created_at, crisis_flags.c.reviewed_at, crisis_flags.c.status
        ).where(crisis_flags.c.created_at >= start, crisis_flags.c.created_at < end)
    ).all()
    # Flags reviewed before reviewed_at existed (migration 0009) count as
    # reviewed, without a time to review.
    reviewed = [f for f in flags if f.reviewed_at is not None]
    return {
        "flags": len(flags),
        "not_reviewed": sum(1 for f in flags if f.status != "reviewed"),
        "review": waits(
            [
                (as_utc(f.reviewed_at) - as_utc(f.created_at)).total_seconds()
                for f in reviewed
            ]
        ),
    }
