"""The Insights page: how the assistant is doing, for any signed-in staff member.

Each visit first folds in the conversations that arrived since the last one
(clinic/insights/refresh.py; a background task does it every minute too), then
sums the period's rows. Every table can be downloaded as CSV.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.engine import Engine

from clinic.console.pages import EDITOR, ENGINE, render
from clinic.console.times import clinic_zone
from clinic.insights.charts import horizontal_bars, paired_columns
from clinic.insights.refresh import refresh
from clinic.insights.report import Period, Report, build_report
from clinic.insights.topic_names import described_topics, topic_name
from clinic.store.booking_requests import defused

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

PRESETS = (7, 30)
MAX_DAYS = 366
# Folded while the page waits; the background task folds the rest.
BATCHES_PER_VISIT = 5
REFRESH_EVERY_SECONDS = 60.0


def chosen_period(query: Any, today: date) -> tuple[Period, str]:
    """The period the page shows, and which choice it is ("7", "30", "custom")."""
    first, last = query.get("from", ""), query.get("to", "")
    if first or last:
        try:
            period = Period(date.fromisoformat(first), date.fromisoformat(last))
        except ValueError:
            raise web.HTTPBadRequest(text="dates must read YYYY-MM-DD") from None
        if period.first > period.last or len(period.days) > MAX_DAYS:
            raise web.HTTPBadRequest(text=f"choose 1 to {MAX_DAYS} days, first to last")
        return period, "custom"
    days = int(query.get("days", "7")) if query.get("days") in ("7", "30") else 7
    return Period(today - timedelta(days - 1), today), str(days)


def clinic_today(zone: str) -> date:
    return datetime.now(ZoneInfo(zone)).date()


def report_for(engine: Engine, query: Any) -> tuple[Report, str, bool]:
    """The period's report, its choice, and whether the figures are current."""
    zone = clinic_zone()
    period, choice = chosen_period(query, clinic_today(zone))
    try:
        current = refresh(engine, zone, max_batches=BATCHES_PER_VISIT) >= 0
    except Exception:  # a writer holding SQLite, or a fault in folding: the
        # figures already folded are shown, marked not current, never a 500
        log.warning("insights: refresh failed", exc_info=True)
        current = False
    return build_report(engine, period, zone), choice, current


def staff_topic_names(root: Path) -> dict[str, str]:
    """Names of the topics staff added; none (their keys in words) when the
    content files cannot be read: the figures matter more than the names."""
    try:
        return described_topics(root)
    except Exception:
        log.warning("insights: content files unreadable for names", exc_info=True)
        return {}


@routes.get("/insights")
async def insights_page(request: web.Request) -> web.Response:
    report, choice, current = await asyncio.to_thread(
        report_for, request.app[ENGINE], request.query
    )
    described = await asyncio.to_thread(staff_topic_names, request.app[EDITOR].root)
    labels = [day.day.strftime("%a %d %b") for day in report.days]
    return render(
        request,
        "insights.html",
        report=report,
        described=described,
        choice=choice,
        current=current,
        query=request.query_string,
        days_chart=paired_columns(
            labels,
            [day.conversations for day in report.days],
            [day.messages for day in report.days],
            ("conversations", "visitor messages"),
        ),
        topics_chart=horizontal_bars(
            [topic_name(topic.topic, described) for topic in report.topics[:12]],
            [topic.messages for topic in report.topics[:12]],
            "messages",
        ),
        percent=percent,
        duration=duration,
    )


@routes.get("/insights/{table}.csv")
async def insights_csv(request: web.Request) -> web.Response:
    table = request.match_info["table"]
    if table not in TABLES and table not in NAMED_TABLES:
        raise web.HTTPNotFound(text="no such table")
    report, _, _ = await asyncio.to_thread(
        report_for, request.app[ENGINE], request.query
    )
    described = await asyncio.to_thread(staff_topic_names, request.app[EDITOR].root)
    header, rows = table_rows(table, report, described)
    name = f"insights-{table}-{report.period.first}-{report.period.last}.csv"
    return web.Response(
        text=csv_text(header, rows),
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def csv_text(header: list[str], rows: list[list[Any]]) -> str:
    """The table as CSV; visitors' words (the unrecognised messages) never run
    as formulas in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(
        [[defused(c) if isinstance(c, str) else c for c in row] for row in rows]
    )
    return buffer.getvalue()


def percent(share: float | None) -> str:
    return "none" if share is None else f"{share * 100:.0f}%"


def duration(seconds: float | None) -> str:
    """A wait as staff read it: 45 s, 12 min, 3 h 5 min, 2 days."""
    if seconds is None:
        return "none"
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 120:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{hours / 24:.1f} days"


# --- the tables, for CSV ---------------------------------------------------------

Rows = tuple[list[str], list[list[Any]]]


def days_table(report: Report) -> Rows:
    rows = [[d.day.isoformat(), d.conversations, d.messages] for d in report.days]
    return ["day", "conversations", "visitor messages"], rows


def topics_table(report: Report, described: Mapping[str, str]) -> Rows:
    rows = [
        [t.topic, topic_name(t.topic, described), t.messages, t.previous, t.change]
        for t in report.topics
    ]
    return ["topic", "name", "messages", "previous period", "change"], rows


def ratings_table(report: Report, described: Mapping[str, str]) -> Rows:
    name = partial(topic_name, described=described)
    rows = [
        [r.topic, name(r.topic), r.answers, r.down, r.up, percent(r.down_share)]
        for r in report.ratings
    ]
    header = ["topic", "name", "answers", "rated down", "rated up", "share rated down"]
    return header, rows


def unrecognised_table(report: Report) -> Rows:
    return ["message (scrubbed)", "times"], [list(item) for item in report.unrecognised]


def funnel_table(report: Report) -> Rows:
    return ["step", "conversations"], [list(item) for item in report.funnel.items()]


def drop_off_table(report: Report) -> Rows:
    return ["last question asked", "conversations"], [
        list(item) for item in report.drop_off
    ]


def handoffs_table(report: Report) -> Rows:
    h = report.handoffs
    return ["figure", "value"], [
        ["asked for a person", h["requested"]],
        ["waited for a live chat", h["live_waiting"]],
        ["picked up live", h["picked_up"]],
        ["time to pick-up, median (s)", _seconds(h["pick_up"].median)],
        ["time to pick-up, 90th percentile (s)", _seconds(h["pick_up"].p90)],
        ["call-backs left", h["callbacks"]],
        ["call-backs still open", h["callbacks_open"]],
    ]


def crisis_table(report: Report) -> Rows:
    c = report.crisis
    return ["figure", "value"], [
        ["crisis flags", c["flags"]],
        ["not reviewed yet", c["not_reviewed"]],
        ["time to review, median (s)", _seconds(c["review"].median)],
        ["time to review, 90th percentile (s)", _seconds(c["review"].p90)],
    ]


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


# The topic tables name topics staff added by their descriptions.
NAMED_TABLES: dict[str, Callable[[Report, Mapping[str, str]], Rows]] = {
    "topics": topics_table,
    "ratings": ratings_table,
}
TABLES: dict[str, Callable[[Report], Rows]] = {
    "days": days_table,
    "unrecognised": unrecognised_table,
    "funnel": funnel_table,
    "drop-off": drop_off_table,
    "handoffs": handoffs_table,
    "crisis": crisis_table,
}


def table_rows(table: str, report: Report, described: Mapping[str, str]) -> Rows:
    if table in NAMED_TABLES:
        return NAMED_TABLES[table](report, described)
    return TABLES[table](report)


# --- kept current ----------------------------------------------------------------


async def insights_refresher(app: web.Application) -> AsyncIterator[None]:
    """Folds arriving conversations every minute, so a visit has little to do."""
    task = asyncio.create_task(_refresh_forever(app[ENGINE]))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _refresh_forever(engine: Engine) -> None:
    while True:
        try:
            await asyncio.to_thread(refresh, engine, clinic_zone())
        except Exception:  # a database outage: try again next time
            log.warning("insights: refresh failed", exc_info=True)
        await asyncio.sleep(REFRESH_EVERY_SECONDS)
