"""Live views over server-sent events: the queue, and one conversation.

Each stream looks for changes every ``poll_seconds`` (the database for tickets
and crisis flags, the Rasa server for a conversation's messages) and sends a
snapshot only when something changed. While a staff member's queue page is open
its stream also records their presence, which is what tells the assistant that
someone can join a visitor's chat. The time-out sweeper runs here too.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from aiohttp import web
from sqlalchemy.engine import Engine

from clinic.console.conversation import transcript
from clinic.console.handoffs import Handoffs, handoff_status_text
from clinic.console.rasa_client import RasaClient, RasaUnavailable
from clinic.console.times import staff_time
from clinic.store.crisis_flags import list_crisis_flags
from clinic.store.handoff_tickets import get_handoff_ticket, list_handoff_tickets
from clinic.store.staff_accounts import (
    Account,
    keep_on_duty_session,
    record_presence,
    session_for,
)
from clinic.store.ticket_entries import list_ticket_entries

logger = logging.getLogger(__name__)

PRESENCE_EVERY = timedelta(seconds=10)
# Crisis flags shown in the queue: the unreviewed ones of the last week.
CRISIS_WINDOW = timedelta(days=7)


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def ticket_summary(ticket: dict[str, Any]) -> dict[str, Any]:
    return {
        "reference": ticket["reference"],
        "kind": ticket["kind"],
        "reason": ticket["reason"],
        "status": ticket["status"],
        "status_text": handoff_status_text(ticket),
        "assigned_to": ticket["assigned_to"] or "",
        "first_name": ticket["first_name"] or "",
        "created_at": _iso(ticket["created_at"]),
        "created_at_text": staff_time(ticket["created_at"]),
        "urgent": ticket["reason"] == "after_crisis",
    }


def queue_snapshot(engine: Engine) -> dict[str, Any]:
    """Open tickets (live chats first) and unreviewed recent crisis flags."""
    tickets = [
        ticket_summary(ticket)
        for status in ("new", "assigned")
        for ticket in list_handoff_tickets(engine, status=status)
    ]
    tickets.sort(key=lambda t: (t["kind"] != "live", t["created_at"]))
    since = datetime.now(timezone.utc) - CRISIS_WINDOW
    flags = [
        {
            "id": flag["id"],
            "conversation_id": flag["conversation_id"],
            "message": flag["message"][:300],
            "created_at": _iso(flag["created_at"]),
            "created_at_text": staff_time(flag["created_at"]),
        }
        for flag in list_crisis_flags(engine)
        if flag["status"] == "new" and _as_utc(flag["created_at"]) >= since
    ]
    return {"tickets": tickets, "crisis_flags": flags}


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


async def conversation_snapshot(
    engine: Engine, rasa: RasaClient, reference: str
) -> dict[str, Any]:
    ticket = await asyncio.to_thread(get_handoff_ticket, engine, reference)
    if ticket is None:
        return {"error": "no such ticket"}
    snapshot: dict[str, Any] = {
        "ticket": ticket_summary(ticket),
        "entries": [
            {
                "kind": e["kind"],
                "author": e["author"],
                "text": e["text"],
                "at": _iso(e["created_at"]),
                "at_text": staff_time(e["created_at"]),
            }
            for e in await asyncio.to_thread(list_ticket_entries, engine, reference)
        ],
    }
    try:
        tracker = await rasa.tracker(ticket["conversation_id"])
    except RasaUnavailable as error:
        snapshot["transcript_error"] = str(error)
        snapshot["transcript"] = []
        return snapshot
    snapshot["transcript"] = [line.as_json() for line in transcript(tracker)]
    return snapshot


async def open_stream(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",
            "X-Content-Type-Options": "nosniff",
        }
    )
    await response.prepare(request)
    return response


SIGNED_OUT_EVENT = b"event: signed_out\ndata: {}\n\n"
# How often an open stream checks that its session still stands.
SESSION_RECHECK = timedelta(seconds=3)


def every(period: timedelta) -> Callable[[], bool]:
    """True on the first call and then once `period` has passed since the last
    True: a stream's tick does its database work at that pace, not every tick."""
    last: list[datetime] = []

    def due() -> bool:
        now = datetime.now(timezone.utc)
        if last and now - last[0] < period:
            return False
        last[:] = [now]
        return True

    return due


def session_checker(engine: Engine, token: str) -> Callable[[], Awaitable[bool]]:
    """Whether the stream's sign-in still stands: signing out, disabling the
    account or a new password ends it (at most every SESSION_RECHECK)."""
    due = every(SESSION_RECHECK)

    async def still_signed_in() -> bool:
        if not due():
            return True
        session = await asyncio.to_thread(session_for, engine, token, activity=False)
        return session is not None

    return still_signed_in


async def stream_changes(
    request: web.Request,
    snapshot: Callable[[], Awaitable[dict[str, Any]]],
    every: float,
    on_tick: Callable[[], Awaitable[None]] | None = None,
    signed_in: Callable[[], Awaitable[bool]] | None = None,
) -> web.StreamResponse:
    """Sends `snapshot()` whenever it differs from the last one sent, while
    `signed_in()` holds; then a ``signed_out`` event, and the stream ends."""
    response = await open_stream(request)
    last = None
    try:
        while True:
            if signed_in is not None and not await signed_in():
                await response.write(SIGNED_OUT_EVENT)
                break
            if on_tick is not None:
                await on_tick()
            current = json.dumps(await snapshot(), sort_keys=True, default=str)
            if current != last:
                await response.write(f"data: {current}\n\n".encode())
                last = current
            else:
                await response.write(b": still here\n\n")
            await asyncio.sleep(every)
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    return response


def presence_recorder(
    engine: Engine, account: Account, token: str, idle: timedelta
) -> Callable[[], Awaitable[None]]:
    """The open queue page: its account is present, and while marked available
    its session is on duty, not idle."""
    due = every(PRESENCE_EVERY)

    async def record() -> None:
        if due():
            await asyncio.to_thread(record_presence, engine, account)
            await asyncio.to_thread(keep_on_duty_session, engine, token, idle)

    return record


async def sweep_unanswered(
    handoffs: Handoffs, timeout: Callable[[], int], every: float
) -> None:
    """Runs for the life of the console: times out chats nobody took."""
    while True:
        try:
            timed_out = await handoffs.time_out_unanswered(timeout())
            for reference in timed_out:
                logger.info(
                    "ticket %s: nobody joined in time, call-back offered", reference
                )
        except Exception:  # the sweeper must outlive one bad pass
            logger.exception("time-out sweep failed")
        await asyncio.sleep(every)
