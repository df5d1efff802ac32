"""Rasa's REST channel with the request checked before any processing.

Registered in credentials.yml as ``clinic.channels.rest.ClinicRestInput`` (name
``rest``, so the URL stays ``/webhooks/rest/webhook``). Rasa 3.6 takes any JSON:
an array body was a 500, a 5,000-character sender broke the crisis-flag insert
on PostgreSQL, and a message of any length went to the NLU pipeline. Here

- a body that is not a JSON object, a missing sender or one that is not a
  short string, or a message that is not a string gets 400 with a JSON reason
  (without a sender, Rasa put everyone in one conversation, ``default``);
- a message over ``MAX_MESSAGE_CHARS`` gets 413 with a polite bot message (that
  points to crisis help, since it was not read);
- a conversation sending more than its share of messages a minute gets 429
  with a bot message that carries the crisis line (clinic/channels/rate_limit.py);
- a request that does not come from this machine itself (another address, or
  through a proxy, which adds X-Forwarded-For) needs ``Authorization: Bearer
  $REST_TOKEN``: 401 without it, 403 when no REST_TOKEN is configured. REST is
  for the clinic's scripts and checks; visitors use the socket.io channel, whose
  conversation ids the server issues (issue 24);
- bodies over ``MAX_REQUEST_BYTES`` never get here: Sanic refuses them with 413
  (``SANIC_REQUEST_MAX_SIZE``, set by ``clinic/rasa_cli.py``).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from clinic.channels.rate_limit import LIMITED_EVENT, ChannelLimits, limited_text
from clinic.client_address import LOOPBACK
from clinic.limits import MAX_MESSAGE_CHARS, MAX_SENDER_CHARS, TOO_LONG_TEXT
from clinic.secret_match import secret_matches


def problem_with(body: Any) -> tuple[int, dict[str, Any]] | None:
    """(status, JSON answer) for a webhook body that must not be processed."""
    if not isinstance(body, dict):
        return 400, {"error": "the body must be a JSON object"}
    sender, message = body.get("sender"), body.get("message")
    # Without a sender, Rasa files every such message under "default": one
    # conversation shared by every client that leaves it out.
    if not isinstance(sender, str) or not 0 < len(sender) <= MAX_SENDER_CHARS:
        return 400, {
            "error": f"sender must be a string of 1 to {MAX_SENDER_CHARS} characters"
        }
    if message is not None and not isinstance(message, str):
        return 400, {"error": "message must be a string"}
    if message is not None and len(message) > MAX_MESSAGE_CHARS:
        reply = [{"recipient_id": sender or "", "text": TOO_LONG_TEXT}]
        return 413, {
            "error": "message_too_long",
            "max_characters": MAX_MESSAGE_CHARS,
            "messages": reply,
        }
    return None


TOKEN_VARIABLE = "REST_TOKEN"


def from_this_machine(request: Request) -> bool:
    """A loopback peer that forwards nobody else's request."""
    return request.ip in LOOPBACK and "X-Forwarded-For" not in request.headers


def token_problem(request: Request) -> tuple[int, dict[str, Any]] | None:
    if from_this_machine(request):
        return None
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        return 403, {
            "error": "the REST channel answers this machine only unless REST_TOKEN "
            "is set; visitors chat through the website's chat window"
        }
    provided = request.headers.get("Authorization", "")
    if not secret_matches(provided, f"Bearer {token}"):
        return 401, {"error": "Authorization: Bearer <REST_TOKEN> is required"}
    return None


def rate_limited(sender: str) -> tuple[int, dict[str, Any]]:
    reply = [{"recipient_id": sender, "text": limited_text()}]
    return 429, {"error": LIMITED_EVENT, "messages": reply}


class ClinicRestInput(RestInput):
    """RestInput that refuses malformed or oversized messages up front."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        limits = ChannelLimits.from_environment()

        @blueprint.middleware("request")
        async def check_body(request: Request) -> HTTPResponse | None:
            if request.method != "POST":
                return None
            refused = token_problem(request)
            if refused is not None:
                status, answer = refused
                return response.json(answer, status=status)
            try:
                body = request.json  # parsed once: Rasa's handler reuses it
            except InvalidUsage:
                return response.json({"error": "the body must be JSON"}, status=400)
            problem = problem_with(body)
            address = limits.address_of(request.ip, request.headers)
            if problem is None and not limits.message_allowed(body["sender"], address):
                problem = rate_limited(body["sender"])
            if problem is None:
                return None
            status, answer = problem
            return response.json(answer, status=status)

        return blueprint
