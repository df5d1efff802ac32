"""Who may use the console: sign-in sessions, CSRF, roles and security headers.

Every route needs a signed-in, enabled account except the sign-in page, the
static files and the health check. Every POST needs the session's CSRF token
(the sign-in form, which has no session yet, a double-submit cookie).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta

from aiohttp import web
from sqlalchemy.engine import Engine

from clinic.client_address import client_address
from clinic.secret_match import secret_matches
from clinic.store.staff_accounts import Session, csrf_matches, session_for

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PUBLIC_PATHS = frozenset({"/login", "/healthz"})
PUBLIC_PREFIXES = ("/static/",)
LIVE_STREAMS = "/live/"
CSRF_FIELD, CSRF_HEADER = "csrf_token", "X-CSRF-Token"
LOGIN_CSRF_COOKIE = "console_login_csrf"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def session_cookie_name(secure: bool) -> str:
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure,
    # host-only and for path /: it cannot be planted by a sibling domain.
    return "__Host-console_session" if secure else "console_session"


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def current_session(request: web.Request) -> Session:
    return request["session"]


def wants_html(request: web.Request) -> bool:
    return request.method == "GET" and "text/html" in request.headers.get("Accept", "")


def refuse_unauthenticated(request: web.Request) -> web.StreamResponse:
    if wants_html(request):
        raise web.HTTPFound("/login")
    raise web.HTTPUnauthorized(text="sign in first")


def request_address(request: web.Request, trusted_proxies: frozenset[str]) -> str:
    """The sign-in's address (clinic/client_address.py)."""
    forwarded = request.headers.get("X-Forwarded-For")
    return client_address(request.remote, forwarded, trusted_proxies)


def make_auth_middleware(
    engine: Engine, cookie_name: str, idle: timedelta
) -> Callable[..., object]:
    @web.middleware
    async def authenticate(
        request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        if is_public(request.path):
            return await handler(request)
        token = request.cookies.get(cookie_name, "")
        # A live stream runs on its own; only what staff do is activity.
        activity = not request.path.startswith(LIVE_STREAMS)
        session = await asyncio.to_thread(session_for, engine, token, idle, activity)
        if session is None:
            return refuse_unauthenticated(request)
        request["session"] = session
        request["session_token"] = token
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            await require_csrf(request, session)
        return await handler(request)

    return authenticate


async def require_csrf(request: web.Request, session: Session) -> None:
    provided = request.headers.get(CSRF_HEADER)
    if provided is None and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        provided = (await request.post()).get(CSRF_FIELD)
    if not csrf_matches(session, provided if isinstance(provided, str) else None):
        raise web.HTTPForbidden(text="missing or wrong CSRF token: reload the page")


def login_csrf_matches(request: web.Request, provided: object) -> bool:
    return secret_matches(provided, request.cookies.get(LOGIN_CSRF_COOKIE, ""))


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


# Under HTTPS, browsers are told to use nothing else for a year.
HSTS = ("Strict-Transport-Security", "max-age=31536000")


def make_security_headers(https: bool) -> Callable[..., object]:
    @web.middleware
    async def security_headers(
        request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        return await with_security_headers(request, handler, https)

    return security_headers


async def with_security_headers(
    request: web.Request, handler: Handler, https: bool
) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        response = error
    if response.prepared:  # a live stream: its headers were set by its handler
        return response
    for name, value in SECURITY_HEADERS.items():
        if name == "Cache-Control" and request.path.startswith("/static/"):
            continue
        response.headers.setdefault(name, value)
    if https:
        response.headers.setdefault(*HSTS)
    if isinstance(response, web.HTTPException):
        raise response
    return response


def require_admin(request: web.Request) -> None:
    if not current_session(request).account.is_admin:
        raise web.HTTPForbidden(text="only an administrator can do this")
