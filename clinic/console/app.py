"""The staff console's web application (aiohttp): routes and page handlers.

Run with ``python -m clinic.console`` (``make run`` starts it at
http://127.0.0.1:5080). Accounts are made with ``python -m clinic.console.accounts``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy.engine import Engine

from clinic.console import (
    content_pages,
    insights_pages,
    live,
    privacy_pages,
    review_pages,
    training_pages,
)
from clinic.console.config import ConsoleConfig
from clinic.console.conversation import transcript
from clinic.console.handoffs import HandoffError, Handoffs, handoff_status_text
from clinic.console.pages import (
    CONFIG,
    EDITOR,
    ENGINE,
    HANDOFFS,
    HERE,
    RASA,
    TEMPLATES,
    THROTTLE,
    TRAINING,
    audit,
    back_to,
    form,
    in_thread,
    render,
    template_environment,
)
from clinic.console.rasa_client import RasaClient, RasaUnavailable
from clinic.console.request_errors import (
    MAX_BODY_BYTES,
    log_malformed_requests_in_one_line,
    refuse_oversized_bodies,
)
from clinic.console.responses import ResponseTexts
from clinic.console.security import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    current_session,
    login_csrf_matches,
    make_auth_middleware,
    make_security_headers,
    new_login_csrf,
    request_address,
    require_admin,
    session_cookie_name,
)
from clinic.content.editor import ContentEditor
from clinic.content.rasa_checks import load_what_checks_use
from clinic.crisis_spool import (
    WaitingFlag,
    spool_path,
    try_moving_into_database,
    waiting_flags,
)
from clinic.settings import current_settings
from clinic.store import booking_requests, crisis_flags, handoff_tickets
from clinic.store.db import engine_for
from clinic.store.sign_in_failures import SignInLimits
from clinic.store.staff_accounts import (
    SESSION_LIFETIME,
    authenticate,
    end_session,
    list_accounts,
    set_available,
    start_session,
)
from clinic.store.staff_actions import recent_staff_actions, record_staff_action
from clinic.training.job import TrainingSettings

logger = logging.getLogger(__name__)

routes = web.RouteTableDef()


# --- signing in and out -------------------------------------------------------


@routes.get("/healthz")
async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@routes.get("/login")
async def login_page(
    request: web.Request, error: str = "", status: int = 200
) -> web.Response:
    token = new_login_csrf()
    response = render(
        request, "login.html", status=status, login_csrf=token, error=error
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        secure=request.app[CONFIG].secure_cookies,
        max_age=3600,
    )
    return response


@routes.post("/login")
async def login(request: web.Request) -> web.Response:
    data = await form(request)
    if not login_csrf_matches(request, data.get(CSRF_FIELD)):
        raise web.HTTPForbidden(text="missing or wrong CSRF token: reload the page")
    username = data.get("username", "").strip().lower()
    limits = request.app[THROTTLE]
    address = request_address(request, request.app[CONFIG].trusted_proxies)
    if await in_thread(request, limits.blocked, username, address):
        return await login_page(
            request, "Too many attempts. Wait 15 minutes and try again.", 429
        )
    account = await in_thread(request, authenticate, username, data.get("password", ""))
    if account is None:
        await in_thread(request, limits.failed, username, address)
        return await login_page(
            request, "Wrong username or password, or account disabled.", 401
        )
    await in_thread(request, limits.succeeded, username, address)
    idle = request.app[CONFIG].idle_timeout
    token, _ = await in_thread(request, start_session, account, idle)
    await in_thread(request, record_staff_action, account.username, "sign_in", "", "")
    response = web.HTTPFound("/")
    config = request.app[CONFIG]
    response.set_cookie(
        session_cookie_name(config.secure_cookies),
        token,
        httponly=True,
        samesite="Strict",
        secure=config.secure_cookies,
        path="/",
        max_age=int(SESSION_LIFETIME.total_seconds()),
    )
    response.del_cookie(LOGIN_CSRF_COOKIE)
    raise response


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    account = current_session(request).account
    await in_thread(request, set_available, account, False)
    await in_thread(request, end_session, request["session_token"])
    await audit(request, "sign_out", "")
    response = web.HTTPFound("/login")
    response.del_cookie(
        session_cookie_name(request.app[CONFIG].secure_cookies), path="/"
    )
    raise response


# --- the queue ------------------------------------------------------------------


@routes.get("/")
async def queue_page(request: web.Request) -> web.Response:
    snapshot = await in_thread(request, live.queue_snapshot)
    live_chat = current_settings().live_chat
    return render(
        request,
        "queue.html",
        snapshot=snapshot,
        live_chat=live_chat,
        open_now=live_chat.is_open(datetime.now(timezone.utc)),
    )


@routes.get("/live/queue")
async def queue_stream(request: web.Request) -> web.StreamResponse:
    engine, config = request.app[ENGINE], request.app[CONFIG]
    account = current_session(request).account
    return await live.stream_changes(
        request,
        lambda: asyncio.to_thread(live.queue_snapshot, engine),
        config.poll_seconds,
        on_tick=live.presence_recorder(
            engine, account, request["session_token"], config.idle_timeout
        ),
        signed_in=live.session_checker(engine, request["session_token"]),
    )


@routes.post("/presence")
async def presence(request: web.Request) -> web.Response:
    available = (await form(request)).get("available") == "yes"
    account = current_session(request).account
    await in_thread(request, set_available, account, available)
    await audit(request, "available" if available else "away", "")
    raise back_to("/")


# --- one ticket -----------------------------------------------------------------


async def ticket_or_404(request: web.Request) -> dict[str, Any]:
    ticket = await in_thread(
        request, handoff_tickets.get_handoff_ticket, request.match_info["reference"]
    )
    if ticket is None:
        raise web.HTTPNotFound(text="no such ticket")
    return ticket


@routes.get("/tickets/{reference}")
async def ticket_page(request: web.Request) -> web.Response:
    ticket = await ticket_or_404(request)
    snapshot = await live.conversation_snapshot(
        request.app[ENGINE], request.app[RASA], ticket["reference"]
    )
    return render(
        request,
        "ticket.html",
        ticket=ticket,
        status_text=handoff_status_text(ticket),
        snapshot=snapshot,
        error=request.query.get("error", ""),
    )


@routes.get("/live/tickets/{reference}")
async def ticket_stream(request: web.Request) -> web.StreamResponse:
    ticket = await ticket_or_404(request)
    engine, rasa = request.app[ENGINE], request.app[RASA]
    return await live.stream_changes(
        request,
        lambda: live.conversation_snapshot(engine, rasa, ticket["reference"]),
        request.app[CONFIG].poll_seconds,
        signed_in=live.session_checker(engine, request["session_token"]),
    )


async def ticket_action(
    request: web.Request, act: Callable[..., Any], *args: Any
) -> web.Response:
    """Runs a staff action on the ticket; answers a script with JSON, a form with a
    redirect back to the ticket."""
    reference = request.match_info["reference"]
    account = current_session(request).account
    try:
        await act(reference, account, *args)
    except HandoffError as error:
        if request.headers.get("Accept") == "application/json":
            return web.json_response({"ok": False, "error": str(error)}, status=409)
        query = urlencode({"error": str(error)})
        raise web.HTTPFound(f"/tickets/{reference}?{query}") from None
    if request.headers.get("Accept") == "application/json":
        return web.json_response({"ok": True})
    raise back_to(f"/tickets/{reference}")


@routes.post("/tickets/{reference}/take")
async def take(request: web.Request) -> web.Response:
    return await ticket_action(request, request.app[HANDOFFS].take)


@routes.post("/tickets/{reference}/reply")
async def reply(request: web.Request) -> web.Response:
    text = (await form(request)).get("text", "")
    return await ticket_action(request, request.app[HANDOFFS].reply, text)


@routes.post("/tickets/{reference}/handback")
async def hand_back(request: web.Request) -> web.Response:
    return await ticket_action(request, request.app[HANDOFFS].finish, "handed_back")


@routes.post("/tickets/{reference}/close")
async def close(request: web.Request) -> web.Response:
    return await ticket_action(request, request.app[HANDOFFS].finish, "closed_by_staff")


@routes.post("/tickets/{reference}/note")
async def note(request: web.Request) -> web.Response:
    text = (await form(request)).get("text", "")
    return await ticket_action(request, request.app[HANDOFFS].note, text)


@routes.post("/tickets/{reference}/status")
async def callback_status(request: web.Request) -> web.Response:
    """Call-back tickets: contacted, closed."""
    ticket = await ticket_or_404(request)
    status = (await form(request)).get("status", "")
    if ticket["kind"] != "callback" or status not in ("new", "contacted", "closed"):
        raise web.HTTPBadRequest(text="not a status for this ticket")
    account = current_session(request).account
    await in_thread(
        request,
        handoff_tickets.set_ticket_status,
        ticket["reference"],
        status,
        None,
        account.username,
    )
    await audit(request, f"ticket_{status}", ticket["reference"])
    raise back_to(f"/tickets/{ticket['reference']}")


# --- lists --------------------------------------------------------------------


@routes.get("/tickets")
async def tickets_page(request: web.Request) -> web.Response:
    rows = await in_thread(request, handoff_tickets.list_handoff_tickets)
    rows = [{**row, "status_text": handoff_status_text(row)} for row in reversed(rows)]
    return render(request, "tickets.html", tickets=rows)


@routes.get("/bookings")
async def bookings_page(request: web.Request) -> web.Response:
    rows = await in_thread(request, booking_requests.list_booking_requests)
    return render(
        request,
        "bookings.html",
        bookings=list(reversed(rows)),
        statuses=booking_requests.STATUSES,
    )


@routes.post("/bookings/{reference}/status")
async def booking_status(request: web.Request) -> web.Response:
    data = await form(request)
    reference, status = request.match_info["reference"], data.get("status", "")
    if status not in booking_requests.STATUSES:
        raise web.HTTPBadRequest(text="unknown status")
    note_text = data.get("note") or None
    if not await in_thread(
        request, booking_requests.set_booking_status, reference, status, note_text
    ):
        raise web.HTTPNotFound(text="no such booking request")
    await audit(request, f"booking_{status}", reference)
    raise back_to("/bookings")


@routes.get("/crisis")
async def crisis_page(request: web.Request) -> web.Response:
    waiting = await asyncio.to_thread(flags_kept_aside, request.app[ENGINE])
    rows = await in_thread(request, crisis_flags.list_crisis_flags)
    return render(request, "crisis.html", flags=list(reversed(rows)), waiting=waiting)


def flags_kept_aside(engine: Engine) -> list[WaitingFlag]:
    """Flags the Rasa server could not store, after trying to store them now."""
    path = spool_path()
    try_moving_into_database(engine, path)
    return waiting_flags(path)


@routes.post("/crisis/{flag_id:\\d+}/status")
async def crisis_status(request: web.Request) -> web.Response:
    status = (await form(request)).get("status", "")
    if status not in crisis_flags.FLAG_STATUSES:
        raise web.HTTPBadRequest(text="unknown status")
    flag_id = int(request.match_info["flag_id"])
    if not await in_thread(
        request, crisis_flags.set_crisis_flag_status, flag_id, status
    ):
        raise web.HTTPNotFound(text="no such crisis flag")
    await audit(request, f"crisis_{status}", str(flag_id))
    raise back_to("/crisis")


@routes.get("/conversations/{conversation_id}")
async def conversation_page(request: web.Request) -> web.Response:
    """A conversation's transcript (from a crisis flag or a booking request)."""
    conversation_id = request.match_info["conversation_id"]
    error = ""
    try:
        lines = transcript(await request.app[RASA].tracker(conversation_id))
    except RasaUnavailable as problem:
        lines, error = [], str(problem)
    await audit(request, "read_conversation", conversation_id)
    return render(
        request,
        "conversation.html",
        conversation_id=conversation_id,
        lines=lines,
        error=error,
    )


@routes.get("/admin")
async def admin_page(request: web.Request) -> web.Response:
    require_admin(request)
    accounts = await in_thread(request, list_accounts)
    actions = await in_thread(request, recent_staff_actions)
    return render(request, "admin.html", accounts=accounts, actions=actions)


# --- the application ------------------------------------------------------------


async def background_sweeper(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    task = asyncio.create_task(
        live.sweep_unanswered(
            app[HANDOFFS],
            lambda: current_settings().live_chat.pickup_timeout_seconds,
            max(config.poll_seconds, 1.0),
        )
    )
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await app[RASA].close()


def create_app(config: ConsoleConfig) -> web.Application:
    engine = engine_for(config.database_url)
    cookie = session_cookie_name(config.secure_cookies)
    app = web.Application(
        middlewares=[
            make_security_headers(config.secure_cookies),
            refuse_oversized_bodies,
            make_auth_middleware(engine, cookie, config.idle_timeout),
        ],
        client_max_size=MAX_BODY_BYTES,
    )
    rasa = RasaClient(config.rasa_url, config.rasa_token)
    app[CONFIG], app[ENGINE], app[RASA] = config, engine, rasa
    app[HANDOFFS] = Handoffs(
        engine, rasa, ResponseTexts(config.domain_path, current_settings())
    )
    app[TEMPLATES] = template_environment()
    app[EDITOR] = ContentEditor(config.content_root, engine)
    app[TRAINING] = TrainingSettings(
        root=config.content_root,
        database_url=config.database_url,
        rasa_url=config.rasa_url,
        rasa_token=config.rasa_token,
        replica_urls=config.rasa_replica_urls,
    )
    app[THROTTLE] = SignInLimits()
    app.add_routes(routes)
    for pages in (
        content_pages,
        review_pages,
        training_pages,
        privacy_pages,
        insights_pages,
    ):
        app.add_routes(pages.routes)
    app.router.add_static("/static/", HERE / "static")
    app.cleanup_ctx.append(background_sweeper)
    app.cleanup_ctx.append(insights_pages.insights_refresher)
    app.on_startup.append(load_content_checks_in_background)
    return app


async def load_content_checks_in_background(_: web.Application) -> None:
    """Started, not awaited: the console answers at once, and the first
    content edit does not wait for the imports (bench/staff_edit.py). A daemon
    thread, not the loop's executor: stopping the console must not wait for
    the imports to finish (run_app joins the executor's threads: 16 s)."""
    threading.Thread(
        target=load_what_checks_use, name="content-checks-import", daemon=True
    ).start()


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    log_malformed_requests_in_one_line()
    config = ConsoleConfig.from_environment()
    web.run_app(
        create_app(config),
        host=config.host,
        port=config.port,
        access_log=None,
        print=None,
    )
