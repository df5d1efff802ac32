"""The Insights figures from conversations stored as the Rasa server stores them,
on SQLite and PostgreSQL: folded incrementally, never twice, in local days."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from rasa.shared.core.events import ActiveLoop, BotUttered, Event
from sqlalchemy.engine import Engine

from clinic.insights.refresh import Fold, refresh
from clinic.insights.report import Period, build_report
from clinic.privacy.conversations import erase_visitor, find_visitor
from clinic.review.queue import events
from clinic.store.answer_feedback import record_feedback
from clinic.store.booking_requests import (
    BookingRequest,
    set_booking_status,
    store_booking_request,
)
from clinic.store.crisis_flags import (
    CrisisFlag,
    record_crisis_flag,
    set_crisis_flag_status,
)
from clinic.store.db import make_engine
from clinic.store.handoff_tickets import (
    HandoffTicket,
    assign_live_ticket,
    store_handoff_ticket,
)
from clinic.store.models import crisis_flags
from tests.clinic.review.conftest import Conversations, conversations  # noqa: F401
from tests.clinic.review.events import answered, said, session_start, slot

ZONE = "America/New_York"
COST = "Each infusion costs $450."
SORRY = "Sorry, I didn't understand that."
T = time.time() - 3600  # an hour ago: in the period, and settled


def today_and_yesterday() -> Period:
    today = datetime.now(ZoneInfo(ZONE)).date()
    return Period(today - timedelta(1), today)


def greeting() -> list[Event]:
    return [*session_start(T), said("hi", T + 1, "greet", 1.0)]


def offered_booking(at: float) -> list[Event]:
    buttons = [{"title": "Request a consultation", "payload": "/book_appointment"}]
    return [BotUttered("Would you like to book?", {"buttons": buttons}, timestamp=at)]


def form(name: str | None, at: float) -> ActiveLoop:
    return ActiveLoop(name, timestamp=at)


def left_form_events() -> list[Event]:
    """Asked the cost, was not understood, started a booking, gave a name,
    and left at the contact question."""
    return [
        *session_start(T),
        said("how much is it", T + 1, "faq", 0.93, "faq/cost"),
        *answered(COST, T + 2),
        said("blorp, write to maria@example.com", T + 3, "nlu_fallback", 0.2),
        *answered(SORRY, T + 4, "utter_default"),
        *offered_booking(T + 5),
        said("/book_appointment", T + 6, "book_appointment", 1.0),
        form("booking_form", T + 7),
        slot("requested_slot", "booking_first_name", T + 7),
        said("Maria", T + 8, "inform", 0.9),
        slot("booking_first_name", "Maria", T + 8),
        slot("requested_slot", "booking_contact", T + 8),
    ]


async def visitor_who_left_the_form(stored: Conversations) -> None:
    await stored.save("left-form", left_form_events())


async def visitor_who_booked(stored: Conversations, engine: Engine) -> None:
    await stored.save(
        "booked",
        [
            *session_start(T),
            said("I want to book a consultation", T + 1, "book_appointment", 0.95),
            form("booking_form", T + 2),
            slot("requested_slot", "booking_first_name", T + 2),
            said("Sam", T + 3, "inform", 0.9),
            slot("requested_slot", None, T + 4),
            form(None, T + 4),
        ],
    )
    reference = store_booking_request(
        engine,
        BookingRequest(
            "booked",
            "Sam",
            "phone",
            "+12125550100",
            "Mon",
            "morning",
            "",
            datetime.now(timezone.utc),
        ),
    )
    set_booking_status(engine, reference, "contacted", None)


async def test_the_figures_of_a_scripted_set_of_conversations(
    conversations: Conversations,  # noqa: F811
) -> None:
    engine = conversations.engine
    await visitor_who_left_the_form(conversations)
    await visitor_who_booked(conversations, engine)
    await conversations.save(
        "wanted-a-person",
        [
            *session_start(T),
            said("can I talk to a nurse", T + 1, "human_handoff", 0.97),
            slot("handoff_state", "waiting", T + 2),
            said("are you there", T + 3, "faq", 0.5, "faq/session"),
        ],
    )
    live = store_handoff_ticket(
        engine, HandoffTicket("wanted-a-person", "live", "visitor_asked")
    )
    assert assign_live_ticket(engine, live, "dana")
    store_handoff_ticket(
        engine,
        HandoffTicket(
            "callback", "callback", "visitor_asked", "Al", "phone", "+12125550101"
        ),
    )
    flag = record_crisis_flag(engine, CrisisFlag("crisis-1", "words never shown"))
    record_crisis_flag(engine, CrisisFlag("crisis-2", "nor these"))
    assert set_crisis_flag_status(engine, flag, "reviewed")
    record_feedback(engine, "left-form", "down", COST)

    assert refresh(engine, ZONE) > 0
    report = build_report(engine, today_and_yesterday(), ZONE)

    assert report.conversations == 3
    # Every visitor message, those answering the form and those for a person too.
    assert report.messages == 8
    topics = {topic.topic: topic.messages for topic in report.topics}
    assert topics == {
        "faq/cost": 1,
        "nlu_fallback": 1,
        "book_appointment": 2,
        "human_handoff": 1,
    }
    assert (report.fallbacks, report.understood_or_not) == (1, 5)
    assert report.unrecognised == [("blorp, write to (email)", 1)]
    [rating] = report.ratings
    assert (rating.topic, rating.answers, rating.down, rating.up) == (
        "faq/cost",
        1,
        1,
        0,
    )
    assert report.funnel == {"offered": 2, "started": 2, "completed": 1, "contacted": 1}
    assert report.drop_off == [("phone or email", 1)]
    handoffs = report.handoffs
    assert (handoffs["requested"], handoffs["live_waiting"], handoffs["picked_up"]) == (
        1,
        1,
        1,
    )
    assert handoffs["pick_up"].count == 1 and handoffs["pick_up"].median < 5
    assert (handoffs["callbacks"], handoffs["callbacks_open"]) == (1, 1)
    assert (report.crisis["flags"], report.crisis["not_reviewed"]) == (2, 1)
    assert report.crisis["review"].count == 1


async def test_new_events_are_folded_once(
    conversations: Conversations,  # noqa: F811
) -> None:
    engine = conversations.engine
    await visitor_who_left_the_form(conversations)
    refresh(engine, ZONE)
    assert refresh(engine, ZONE) == 0  # nothing new: nothing folded again
    await conversations.save(
        "left-form",
        [
            *left_form_events(),
            # Later, after the first refresh: the form stopped, another question.
            slot("requested_slot", None, T + 20),
            form(None, T + 20),
            said("how much is it for Maria", T + 21, "faq", 0.9, "faq/cost"),
            # The name was given before the first refresh: still scrubbed.
            said("maria here again, zorp", T + 22, "nlu_fallback", 0.2),
        ],
    )
    refresh(engine, ZONE)
    report = build_report(engine, today_and_yesterday(), ZONE)
    assert report.conversations == 1
    assert report.messages == 6
    unrecognised = " ".join(text for text, _ in report.unrecognised)
    assert "zorp" in unrecognised and "maria" not in unrecognised.casefold()
    assert {t.topic: t.messages for t in report.topics}["faq/cost"] == 2
    assert report.drop_off == [("phone or email", 1)]


async def test_events_younger_than_the_settling_time_wait(
    conversations: Conversations,  # noqa: F811
) -> None:
    engine = conversations.engine
    await visitor_who_left_the_form(conversations)
    assert refresh(engine, ZONE, now=T) == 0  # all of them younger than 15 s then
    assert refresh(engine, ZONE, now=T + 60) > 0


async def test_a_day_is_the_clinics_local_day(
    conversations: Conversations,  # noqa: F811
) -> None:
    # 02:30 UTC on 1 March 2026 is still 28 February in New York.
    at = datetime(2026, 3, 1, 2, 30, tzinfo=timezone.utc).timestamp()
    await conversations.save(
        "late", [*session_start(at), said("hello", at + 1, "greet", 0.99)]
    )
    refresh(conversations.engine, ZONE)
    february = build_report(
        conversations.engine,
        Period(datetime(2026, 2, 28).date(), datetime(2026, 2, 28).date()),
        ZONE,
    )
    assert february.conversations == 1
    refresh(conversations.engine, "UTC")  # another zone: every day read again
    march = build_report(
        conversations.engine,
        Period(datetime(2026, 3, 1).date(), datetime(2026, 3, 1).date()),
        "UTC",
    )
    assert march.conversations == 1


async def test_crisis_flags_count_on_the_clinics_local_day(
    conversations: Conversations,  # noqa: F811
) -> None:
    engine = conversations.engine
    # 02:30 UTC on 1 March 2026 is 21:30 on 28 February in New York; 06:00 UTC
    # is 1 March there too.
    late = datetime(2026, 3, 1, 2, 30, tzinfo=timezone.utc)
    morning = datetime(2026, 3, 1, 6, 0, tzinfo=timezone.utc)
    for at in (late, morning):
        record_crisis_flag(engine, CrisisFlag(f"flag-{at.hour}", "x", created_at=at))
    first_of_march = datetime(2026, 3, 1).date()
    report = build_report(engine, Period(first_of_march, first_of_march), ZONE)
    assert report.crisis["flags"] == 1
    last_of_february = first_of_march - timedelta(1)
    february = build_report(engine, Period(last_of_february, last_of_february), ZONE)
    assert february.crisis["flags"] == 1


async def test_a_second_review_keeps_the_time_of_the_first(
    conversations: Conversations,  # noqa: F811
) -> None:
    engine = conversations.engine
    created = datetime.now(timezone.utc) - timedelta(hours=2)
    flag = record_crisis_flag(engine, CrisisFlag("c", "x", created_at=created))
    assert set_crisis_flag_status(engine, flag, "reviewed")
    first = build_report(engine, today_and_yesterday(), ZONE).crisis["review"].median
    time.sleep(1.1)
    assert set_crisis_flag_status(engine, flag, "reviewed")
    again = build_report(engine, today_and_yesterday(), ZONE).crisis["review"].median
    assert again == first


async def test_a_flag_reviewed_before_review_times_were_kept_counts_as_reviewed(
    conversations: Conversations,  # noqa: F811
) -> None:
    engine = conversations.engine
    flag = record_crisis_flag(engine, CrisisFlag("old", "x"))
    with engine.begin() as connection:  # as migration 0009 left such a flag
        connection.execute(
            sa.update(crisis_flags)
            .where(crisis_flags.c.id == flag)
            .values(status="reviewed", reviewed_at=None)
        )
    crisis = build_report(engine, today_and_yesterday(), ZONE).crisis
    assert (crisis["flags"], crisis["not_reviewed"]) == (1, 0)
    assert crisis["review"].count == 0


async def test_a_conversation_after_the_newest_was_erased_is_counted(
    conversations: Conversations,  # noqa: F811
) -> None:
    # SQLite gives the erased events' ids to the next ones.
    engine = conversations.engine
    for name in ("first", "erased"):
        await conversations.save(
            name, [*session_start(T), said("hi", T + 1, "greet", 1)]
        )
    refresh(engine, ZONE)
    erase_visitor(engine, find_visitor(engine, "erased"), "admin")
    await conversations.save("next", greeting())
    refresh(engine, ZONE)
    assert build_report(engine, today_and_yesterday(), ZONE).conversations == 2


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_an_event_committed_after_a_later_one_is_read(
    conversations: Conversations,  # noqa: F811
) -> None:
    # PostgreSQL hands out ids at insert: a save still open holds an id below
    # those of a save that committed after it. (SQLite has one writer at a time.)
    engine = conversations.engine
    await conversations.save("first", greeting())
    now = time.time()
    with engine.connect() as slow:
        open_save = slow.begin()
        slow.execute(sa.insert(events).values(event_row("slow", "hello", now)))
        await conversations.save(
            "quick", [*session_start(now), said("hi", now, "greet", 1.0)]
        )
        refresh(engine, ZONE, now=now)  # "first" settled, "quick" not yet
        open_save.commit()
    refresh(engine, ZONE, now=now + 60)
    assert build_report(engine, today_and_yesterday(), ZONE).conversations == 3


def event_row(sender_id: str, text: str, at: float) -> dict[str, Any]:
    event = said(text, at, "greet", 1.0)
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": at,
        "intent_name": "greet",
        "data": json.dumps(event.as_dict()),
    }


async def test_a_topic_no_longer_asked_is_listed_with_its_fall(
    conversations: Conversations,  # noqa: F811
) -> None:
    # Noon three local days ago: in the period before today and yesterday at any hour
    # (T - 3 days falls four days back during the first hour of a local day).
    day = datetime.now(ZoneInfo(ZONE)).date() - timedelta(3)
    three_days_ago = datetime(
        day.year, day.month, day.day, 12, tzinfo=ZoneInfo(ZONE)
    ).timestamp()
    await conversations.save(
        "earlier",
        [
            *session_start(three_days_ago),
            said("price?", three_days_ago + 1, "faq", 0.9, "faq/cost"),
        ],
    )
    await conversations.save("now", greeting())
    refresh(conversations.engine, ZONE)
    report = build_report(conversations.engine, today_and_yesterday(), ZONE)
    cost = {t.topic: t for t in report.topics}["faq/cost"]
    assert (cost.messages, cost.previous, cost.change) == (0, 1, -1)


async def test_an_unrecognised_message_that_is_not_utf8_does_not_stop_the_fold(
    conversations: Conversations,  # noqa: F811
) -> None:
    # JSON carries a lone surrogate, which UTF-8 cannot: the fuzz sent one.
    await conversations.save(
        "odd", [*session_start(T), said("zorp \udf75", T + 1, "nlu_fallback", 0.1)]
    )
    await conversations.save("next", greeting())
    assert refresh(conversations.engine, ZONE) > 0
    report = build_report(conversations.engine, today_and_yesterday(), ZONE)
    assert report.conversations == 2
    assert report.unrecognised == [("zorp ?", 1)]


async def test_a_visitors_message_written_during_a_fold_does_not_wait(
    conversations: Conversations,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # On SQLite one writer at a time: a fold that held the write lock while
    # decoding its batch kept the Rasa server's writes waiting.
    engine = conversations.engine
    await conversations.save("first", greeting())
    rasa = make_engine(str(engine.url))
    waits: list[float] = []
    fold_event = Fold.add

    def fold_while_rasa_writes(fold: Fold, row: Any) -> None:
        started = time.monotonic()
        with rasa.begin() as connection:
            connection.execute(sa.insert(events).values(event_row("other", "hi", T)))
        waits.append(time.monotonic() - started)
        fold_event(fold, row)

    monkeypatch.setattr(Fold, "add", fold_while_rasa_writes)
    assert refresh(engine, ZONE) > 0
    rasa.dispose()
    assert waits and max(waits) < 1.0
