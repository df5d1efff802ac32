"""How fast the Insights page answers on a year of conversations.

Run: ``.venv/bin/python -m bench.insights`` (about 5 minutes; ``--conversations``
to change the size). On a fresh PostgreSQL database it writes 100,000
conversations over the last 365 days as Rasa stores them (1.5 million events:
sessions, FAQ answers, fallbacks, booking forms finished and abandoned,
requests for a person), with the booking requests, handoff tickets, crisis
flags and ratings they imply. It times the first fold of all of it
(clinic/insights/refresh.py), a fold of the events of a busy minute arriving
afterwards, and then the page itself through a running console, signed in:
the last 7 days, the last 30, and the whole year. Figures go to
results/insights_bench.json and, by hand, to docs/performance.md.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clinic.insights.refresh import refresh
from clinic.insights.report import Period, build_report
from clinic.store.db import make_engine
from clinic.store.migrate import upgrade
from clinic.store.models import (
    answer_feedback,
    booking_requests,
    crisis_flags,
    handoff_tickets,
)
from harness.live_chat import (
    PASSWORD,
    StaffMember,
    console_server,
    create_staff_account,
)
from harness.servers import PROJECT_ROOT, base_environment
from harness.services import fresh_postgres_database

ZONE = "America/New_York"
EVENTS_PER_CONVERSATION = 15
TOPICS = [
    "cost",
    "session",
    "side_effects",
    "safety",
    "effectiveness",
    "schedule",
    "eligibility",
    "mechanism",
    "preparation",
    "spravato",
    "aftercare",
    "consultation",
]
ROUNDS = 5


def parse_data(text: str, intent: str, key: str | None) -> dict[str, Any]:
    """What the clinic's classifier stores with a message (its usual size)."""
    ranking = [{"name": intent, "confidence": 0.91}] + [
        {"name": f"faq/{topic}", "confidence": 0.01} for topic in TOPICS[:9]
    ]
    selector: dict[str, Any] = {"all_retrieval_intents": ["faq", "out_of_scope"]}
    if key:
        selector["faq"] = {
            "response": {"intent_response_key": key, "confidence": 0.91},
            "ranking": [{"intent_response_key": key, "confidence": 0.91}],
        }
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 0.91},
        "intent_ranking": ranking,
        "entities": [],
        "response_selector": selector,
    }


class Writer:
    """Events of made-up conversations, as rows for PostgreSQL's COPY."""

    def __init__(self, sender: str, start: float) -> None:
        self.sender, self.at, self.rows = sender, start, []

    def event(
        self, kind: str, data: dict[str, Any], intent: str = "", action: str = ""
    ) -> None:
        self.at += random.uniform(0.5, 20)
        data = {"event": kind, "timestamp": self.at, **data}
        self.rows.append((self.sender, kind, self.at, intent, action, json.dumps(data)))

    def action(self, name: str) -> None:
        self.event("action", {"name": name}, action=name)

    def user(self, text: str, intent: str, key: str | None = None) -> None:
        self.event(
            "user", {"text": text, "parse_data": parse_data(text, intent, key)}, intent
        )

    def bot(self, text: str, buttons: list[dict] | None = None) -> None:
        self.event("bot", {"text": text, "data": {"buttons": buttons}})

    def slot(self, name: str, value: Any) -> None:
        self.event("slot", {"name": name, "value": value}, action=name)

    def loop(self, name: str | None) -> None:
        self.event("active_loop", {"name": name}, action=name or "")


def conversation(sender: str, start: float, kind: str) -> list[tuple]:
    """Fifteen events: a session, then what this kind of visitor does."""
    w = Writer(sender, start)
    w.action("action_session_start")
    w.event("session_started", {})
    w.action("action_listen")
    if kind in ("booked", "abandoned"):
        w.user("I'd like to book a consultation", "book_appointment")
        w.loop("booking_form")
        w.slot("requested_slot", "booking_first_name")
        w.bot("May I have your first name?")
        w.action("action_listen")
        w.user("Alex", "inform")
        w.slot("booking_first_name", "Alex")
        w.slot("requested_slot", "booking_contact")
        w.bot("How should we reach you?")
        w.action("action_listen")
        w.user("alex@example.org" if kind == "booked" else "stop", "inform")
        w.loop(None)
    else:
        for turn in range(3):
            topic = random.choice(TOPICS)
            if kind == "fallback" and turn == 1:
                w.user(f"something odd number {random.randint(1, 400)}", "nlu_fallback")
            elif kind == "person" and turn == 2:
                w.user("can I talk to someone", "human_handoff")
            else:
                w.user(f"a question about {topic}", "faq", f"faq/{topic}")
            buttons = [{"title": "Book", "payload": "/book_appointment"}]
            w.bot(f"An answer about {topic}.", buttons if turn == 2 else None)
            w.action("action_listen")
            w.action("action_listen" if turn else "utter_greet")
    assert len(w.rows) == EVENTS_PER_CONVERSATION, (kind, len(w.rows))
    return w.rows


KINDS = (
    ["faq"] * 70
    + ["fallback"] * 12
    + ["booked"] * 6
    + ["abandoned"] * 6
    + ["person"] * 6
)


def write_year(engine: Engine, conversations: int, now: datetime) -> dict[str, int]:
    """The conversations, spread over the last 365 days, and the clinic's rows."""
    from rasa.core.tracker_store import SQLTrackerStore

    SQLTrackerStore.Base.metadata.create_all(engine)
    random.seed(23)
    clinic_rows: dict[str, list[dict]] = {
        "booking_requests": [],
        "handoff_tickets": [],
        "crisis_flags": [],
        "answer_feedback": [],
    }
    buffer = io.StringIO()
    first = now - timedelta(days=365)
    for number in range(conversations):
        sender = uuid.uuid4().hex
        start = first + timedelta(seconds=random.uniform(0, 365 * 86400 - 3600))
        kind = random.choice(KINDS)
        for row in conversation(sender, start.timestamp(), kind):
            buffer.write("\t".join(_copy_value(value) for value in row) + "\n")
        _clinic_rows(clinic_rows, sender, start, kind, number)
        if buffer.tell() > 50_000_000:
            _copy_events(engine, buffer)
            buffer = io.StringIO()
    _copy_events(engine, buffer)
    tables = {
        "booking_requests": booking_requests,
        "handoff_tickets": handoff_tickets,
        "crisis_flags": crisis_flags,
        "answer_feedback": answer_feedback,
    }
    with engine.begin() as connection:
        for name, rows in clinic_rows.items():
            if rows:
                connection.execute(sa.insert(tables[name]), rows)
        events = connection.execute(sa.text("SELECT count(*) FROM events")).scalar_one()
    return {
        "events": int(events),
        **{name: len(rows) for name, rows in clinic_rows.items()},
    }


def _clinic_rows(
    rows: dict[str, list[dict]], sender: str, start: datetime, kind: str, number: int
) -> None:
    at = start + timedelta(minutes=2)
    if kind == "booked":
        rows["booking_requests"].append(
            {
                "reference": f"BK-{number:06d}",
                "created_at": at,
                "conversation_id": sender,
                "first_name": "Alex",
                "contact_kind": "email",
                "contact": "alex@example.org",
                "consent_at": at,
                "status": random.choice(["new", "contacted", "closed"]),
            }
        )
    elif kind == "person":
        live = random.random() < 0.6
        rows["handoff_tickets"].append(
            {
                "reference": f"CB-{number:06d}",
                "created_at": at,
                "conversation_id": sender,
                "kind": "live" if live else "callback",
                "reason": "visitor_asked",
                "status": random.choice(["new", "assigned", "closed"]),
                "assigned_at": at + timedelta(seconds=random.uniform(20, 400))
                if live
                else None,
            }
        )
    if number % 200 == 0:
        rows["crisis_flags"].append(
            {
                "created_at": at,
                "conversation_id": sender,
                "message": "(bench)",
                "status": "reviewed",
                "reviewed_at": at + timedelta(minutes=random.uniform(1, 90)),
                "reference": f"CF-{number:06d}",
            }
        )
    if kind == "faq" and number % 25 == 0:
        rows["answer_feedback"].append(
            {
                "created_at": at,
                "conversation_id": sender,
                "rating": random.choice(["down", "up"]),
                "bot_text": "An answer about cost.",
            }
        )


def _copy_value(value: Any) -> str:
    if value == "" or value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _copy_events(engine: Engine, buffer: io.StringIO) -> None:
    buffer.seek(0)
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            cursor.copy_expert(
                "COPY events (sender_id, type_name, timestamp, intent_name,"
                " action_name, data) FROM STDIN",
                buffer,
            )
        raw.commit()
    finally:
        raw.close()


def timed_pages(
    member: StaffMember, paths: dict[str, str], rounds: int = ROUNDS
) -> dict[str, dict[str, float]]:
    figures = {}
    for name, path in paths.items():
        seconds = []
        for _ in range(rounds):
            started = time.perf_counter()
            response = member.http.get(f"{member.console.url}{path}", timeout=60)
            seconds.append(time.perf_counter() - started)
            response.raise_for_status()
        figures[name] = {
            "median_s": round(statistics.median(seconds), 3),
            "max_s": round(max(seconds), 3),
        }
    return figures


def measure(database_url: str, conversations: int, logs: Path) -> dict[str, Any]:
    engine = make_engine(database_url)
    upgrade(database_url)
    now = datetime.now(timezone.utc)
    started = time.perf_counter()
    written = write_year(engine, conversations, now)
    results: dict[str, Any] = {"conversations": conversations, **written}
    results["write_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    refresh(engine, ZONE)
    results["first_fold_s"] = round(time.perf_counter() - started, 1)
    more = io.StringIO()
    for _ in range(40):  # a busy minute: forty conversations
        for row in conversation(uuid.uuid4().hex, now.timestamp() - 600, "faq"):
            more.write("\t".join(_copy_value(value) for value in row) + "\n")
    _copy_events(engine, more)
    started = time.perf_counter()
    refresh(engine, ZONE)
    results["fold_of_600_new_events_s"] = round(time.perf_counter() - started, 3)
    # What autovacuum does within a minute of such growth: statistics for the
    # planner (without them the first queries after a bulk load plan blind).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("ANALYZE"))
    today = datetime.now(ZoneInfo(ZONE)).date()
    whole = build_report(engine, Period(today - timedelta(366), today), ZONE)
    assert whole.conversations == conversations + 40, whole.conversations
    assert whole.messages == results["events"] // 5 + 40 * 3, whole.messages
    engine.dispose()
    year = f"/insights?from={today - timedelta(364)}&to={today}"
    create_staff_account(database_url, "bench", "Bench", PASSWORD)
    env = {**base_environment(database_url), "INSIGHTS_SETTLE_SECONDS": "0"}
    with console_server(env, "http://127.0.0.1:1", "unused", logs) as console:
        member = StaffMember(console)
        assert member.sign_in("bench", PASSWORD).status_code == 302
        results["first_page_after_start"] = timed_pages(
            member, {"7 days": "/insights?days=7"}, rounds=1
        )["7 days"]
        results["page"] = timed_pages(
            member,
            {
                "7 days": "/insights?days=7",
                "30 days": "/insights?days=30",
                "365 days": year,
            },
        )
        results["csv_365_days_topics"] = timed_pages(
            member, {"topics": year.replace("/insights?", "/insights/topics.csv?")}
        )["topics"]
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.insights", description=__doc__
    )
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument(
        "--out", type=Path, default=PROJECT_ROOT / "results" / "insights_bench.json"
    )
    args = parser.parse_args(argv)
    logs = args.out.parent / "insights-bench-logs"
    logs.mkdir(parents=True, exist_ok=True)
    with fresh_postgres_database() as url:
        results = measure(url, args.conversations, logs)
    args.out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
