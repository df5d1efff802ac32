"""Rasa's socket.io channel, open only to the web pages allowed to embed the chat.

Registered in credentials.yml as ``clinic.channels.socketio.ClinicSocketIOInput``.
Rasa 3.6's ``SocketIOInput`` creates its server with ``cors_allowed_origins=[]``,
which turns origin checks off: any website could run the clinic's chat in its
visitors' browsers. This subclass

- accepts a connection only when its ``Origin`` header is one of the allowed
  origins: ``allowed_origins`` in credentials.yml, else ``WIDGET_ORIGINS``
  (comma-separated), else the demo site (``http://127.0.0.1:$SITE_PORT`` and
  ``http://localhost:$SITE_PORT``). Clients that send no Origin (not browsers,
  or a same-origin page polling) are let through, as engine.io does: the check
  protects visitors' browsers from other sites, it does not authenticate;
- awaits ``enter_room``: python-socketio 5.x made it a coroutine and Rasa 3.6
  calls it without ``await``, so with ``session_persistence`` the socket never
  joined its conversation's room and bot messages reached nobody;
- stores visitors' thumbs-down (or up) on an answer, the widget's
  ``answer_feedback`` event ``{session_id, rating, text}``, in the
  ``answer_feedback`` table (clinic/store/answer_feedback.py) and acknowledges
  it with ``feedback_saved``. Only a socket in the conversation's room may rate
  its answers; bad input is logged and ignored;
- gives each visitor a conversation only they can reach: ``session_request``
  joins the id it proposes only if this server issued it (a signed id), else a
  new one, confirmed in ``session_confirm``; a socket is in one conversation,
  and its ``user_uttered`` go there whatever ``session_id`` they name;
- answers a conversation over its rate of messages (clinic/channels/rate_limit.py)
  with a ``rate_limited`` event and a bot message carrying the crisis line,
  without reading the message;
- refuses a message over ``MAX_MESSAGE_CHARS`` before any processing, with a
  ``message_too_long`` event and the same polite words as a bot message, and
  ignores a ``user_uttered`` payload that is not ``{"message": str, ...}``.

Its name stays ``socketio``: Rasa looks output channels up by name, e.g. for
``POST /conversations/{id}/tracker/events?output_channel=latest`` (staff replies).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from engineio.payload import Payload
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput
from rasa.core.lock_store import LockError
from sanic import Blueprint
from socketio.exceptions import ConnectionRefusedError as SocketRefused

from clinic.channels.conversation_ids import conversation_for
from clinic.channels.rate_limit import (
    CONNECTS_LIMITED,
    LIMITED_EVENT,
    ChannelLimits,
    limited_text,
)
from clinic.channels.shared_rooms import share_rooms, socketio_redis_url
from clinic.limits import (
    MAX_MESSAGE_CHARS,
    MAX_REQUEST_BYTES,
    TOO_LONG_EVENT,
    TOO_LONG_TEXT,
)
from clinic.store.answer_feedback import MAX_RATED_TEXT, RATINGS, record_feedback
from clinic.store.db import default_engine

logger = logging.getLogger(__name__)

ORIGINS_ENV = "WIDGET_ORIGINS"
SITE_PORT_ENV = "SITE_PORT"
DEFAULT_SITE_PORT = "8080"
# Conversation ids in feedback events; only a socket's own conversation counts.
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
# Where a socket's conversation is kept (python-socketio's per-socket session).
CONVERSATION_KEY = "conversation"
MAX_PACKETS_PER_POST = 256
ADDRESS_KEY = "address"  # the client address the socket connected from

FEEDBACK_SAVED_EVT = "feedback_saved"

ConnectHandler = Callable[[str, dict[str, Any], Any], Awaitable[bool | None]]


def demo_site_origins() -> list[str]:
    port = os.environ.get(SITE_PORT_ENV) or DEFAULT_SITE_PORT
    return [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]


def normalise_origin(value: str) -> str:
    """``scheme://host[:port]`` in lower case, as browsers send it."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not a web origin: {value!r} (expected https://host[:port])")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"an origin has no path: {value!r}")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


def parse_origins(value: str | Iterable[str]) -> list[str]:
    items = re.split(r"[,\s]+", value) if isinstance(value, str) else list(value)
    origins = [normalise_origin(str(item)) for item in items if str(item).strip()]
    if not origins:
        raise ValueError("no allowed origin given")
    return origins


def configured_origins(credentials: dict[str, Any]) -> list[str]:
    value = credentials.get("allowed_origins") or os.environ.get(ORIGINS_ENV)
    return parse_origins(value) if value else demo_site_origins()


def address_of(environ: dict[str, Any], limits: ChannelLimits) -> str:
    """The client's address (engine.io's environ carries Sanic's request)."""
    request = environ.get("sanic.request")
    if request is None:
        return str(environ.get("REMOTE_ADDR") or "")
    return limits.address_of(request.ip, request.headers)


def session_id_from(data: Any) -> str:
    """The conversation a ``session_request`` may join: the id it proposes if
    this server issued it, else a new one (clinic/channels/conversation_ids.py)."""
    requested = data.get("session_id") if isinstance(data, dict) else None
    return conversation_for(requested)


def feedback_from(data: Any) -> tuple[str, str, str] | None:
    """(session_id, rating, text) of a well-formed ``answer_feedback`` event."""
    if not isinstance(data, dict):
        return None
    session_id, rating, text = (data.get(k) for k in ("session_id", "rating", "text"))
    if not isinstance(session_id, str) or not SESSION_ID.match(session_id):
        return None
    if rating not in RATINGS or not isinstance(text, str):
        return None
    if not text.strip() or len(text) > MAX_RATED_TEXT:
        return None
    return session_id, str(rating), text.strip()


def store_feedback(conversation_id: str, rating: str, text: str) -> None:
    # The engine is made on first use (default_engine), in this worker thread.
    record_feedback(default_engine(), conversation_id, rating, text)


class ClinicSocketIOInput(SocketIOInput):
    """Rasa's socket.io input channel with origin checks and working rooms."""

    allowed_origins: list[str]

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        assert isinstance(channel, ClinicSocketIOInput)
        channel.allowed_origins = configured_origins(credentials)
        return channel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_origins = demo_site_origins()

    def origin_allowed(self, environ: dict[str, Any]) -> bool:
        origin = environ.get("HTTP_ORIGIN")
        return origin is None or origin in self.allowed_origins

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None
        # engine.io refuses the handshake (HTTP 400) from an unlisted Origin, for
        # polling and websocket alike, and answers CORS for the listed ones.
        sio.eio.cors_allowed_origins = list(self.allowed_origins)
        if socketio_redis_url():
            share_rooms(sio, socketio_redis_url())
        namespace = self.namespace or "/"
        rasa_connect: ConnectHandler = sio.handlers[namespace]["connect"]
        limits = ChannelLimits.from_environment()

        async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
            # Checked here as well, should engine.io's check ever be turned off.
            if not self.origin_allowed(environ):
                origin = environ.get("HTTP_ORIGIN")
                logger.warning("socket.io: refused origin %s", origin)
                return False
            address = address_of(environ, limits)
            if not limits.connect_allowed(address):
                # The widget shows the text and tries again a minute later.
                raise SocketRefused(
                    limited_text(CONNECTS_LIMITED), {"error": LIMITED_EVENT}
                )
            await sio.save_session(sid, {ADDRESS_KEY: address}, namespace=namespace)
            return bool(await rasa_connect(sid, environ, auth))

        async def session_request(sid: str, data: Any = None) -> None:
            session_id = session_id_from(data)
            if self.session_persistence:
                # One conversation per socket: leave the one it had, if any.
                previous = await self._conversation_of(sid, namespace)
                if previous and previous != session_id:
                    await sio.leave_room(sid, previous, namespace=namespace)
                await sio.enter_room(sid, session_id, namespace=namespace)
                session = await sio.get_session(sid, namespace=namespace)
                await sio.save_session(
                    sid, {**session, CONVERSATION_KEY: session_id}, namespace=namespace
                )
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        async def answer_feedback(sid: str, data: Any = None) -> None:
            conversation = await self._conversation_of(sid, namespace)
            if not limits.rating_allowed(conversation or sid):
                await sio.emit(LIMITED_EVENT, {}, room=sid, namespace=namespace)
                return
            try:
                await self._save_feedback(sid, data, namespace)
            except Exception:  # never into socket.io: the visitor's chat goes on
                logger.exception("socket.io: answer feedback from %s not saved", sid)

        rasa_handle_message = sio.handlers[namespace][self.user_message_evt]

        async def handle_message(sid: str, data: Any = None) -> None:
            message = data.get("message") if isinstance(data, dict) else None
            if not isinstance(message, str):
                logger.warning("socket.io: malformed message from %s ignored", sid)
                return
            if len(message) > MAX_MESSAGE_CHARS:
                await self._refuse_too_long(sid, namespace)
                return
            if self.session_persistence:
                # The socket speaks in its own conversation, whatever the
                # payload names: never in another visitor's.
                conversation = await self._conversation_of(sid, namespace)
                if conversation is None:
                    logger.warning("socket.io: message before session_request ignored")
                    return
                data = {**data, "session_id": conversation}
            session = await sio.get_session(sid, namespace=namespace)
            address = str(session.get(ADDRESS_KEY, ""))
            if not limits.message_allowed(data.get("session_id") or sid, address):
                await self._refuse_flood(sid, namespace)
                return
            try:
                await rasa_handle_message(sid, data)
            except LockError:
                # It waited Rasa's lock lifetime (60 s) for its conversation's
                # other messages: a backlog of one conversation, which the rate
                # limit makes unlikely. Answered as a flood, not a traceback.
                logger.warning("socket.io: message waited too long for its turn")
                await self._refuse_flood(sid, namespace)

        # engine.io refuses larger packets before they are parsed.
        sio.eio.max_http_buffer_size = MAX_REQUEST_BYTES
        # A long-polling client sends what it queued in one POST; over 16 packets
        # engine.io dropped the whole POST (its messages lost) with a traceback.
        # The POST stays within MAX_REQUEST_BYTES, and every message within its
        # rate limit.
        Payload.max_decode_packets = MAX_PACKETS_PER_POST
        sio.on("connect", namespace=namespace)(connect)
        sio.on("session_request", namespace=namespace)(session_request)
        sio.on(self.user_message_evt, namespace=namespace)(handle_message)
        sio.on("answer_feedback", namespace=namespace)(answer_feedback)
        logger.info("socket.io: accepting origins %s", ", ".join(self.allowed_origins))
        return blueprint

    async def _conversation_of(self, sid: str, namespace: str) -> str | None:
        sio = self.sio
        assert sio is not None
        session = await sio.get_session(sid, namespace=namespace)
        conversation = session.get(CONVERSATION_KEY) if session else None
        return conversation if isinstance(conversation, str) else None

    async def _refuse_flood(self, sid: str, namespace: str) -> None:
        """Over the conversation's rate: not read, answered with crisis help."""
        sio = self.sio
        assert sio is not None
        text = limited_text()
        await sio.emit(LIMITED_EVENT, {"text": text}, room=sid, namespace=namespace)
        await sio.emit(
            self.bot_message_evt, {"text": text}, room=sid, namespace=namespace
        )

    async def _refuse_too_long(self, sid: str, namespace: str) -> None:
        """An error event for programs, and the same words as a bot message for
        any chat window that only shows those."""
        sio = self.sio
        assert sio is not None
        refusal = {"max_characters": MAX_MESSAGE_CHARS, "text": TOO_LONG_TEXT}
        await sio.emit(TOO_LONG_EVENT, refusal, room=sid, namespace=namespace)
        await sio.emit(
            self.bot_message_evt, {"text": TOO_LONG_TEXT}, room=sid, namespace=namespace
        )

    async def _save_feedback(self, sid: str, data: Any, namespace: str) -> None:
        sio = self.sio
        assert sio is not None
        feedback = feedback_from(data)
        if feedback is None:
            logger.warning("socket.io: malformed answer feedback from %s ignored", sid)
            return
        session_id, rating, text = feedback
        if self.session_persistence:
            # Otherwise any page could rate any conversation's answers.
            if session_id not in sio.rooms(sid, namespace=namespace):
                logger.warning(
                    "socket.io: feedback for a conversation %s is not in", sid
                )
                return
            conversation_id = session_id
        else:
            conversation_id = sid  # Rasa's sender id without session persistence
        await asyncio.to_thread(store_feedback, conversation_id, rating, text)
        await sio.emit(
            FEEDBACK_SAVED_EVT, {"rating": rating}, room=sid, namespace=namespace
        )
