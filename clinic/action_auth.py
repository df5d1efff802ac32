"""The action server answers Rasa only (issue 24, item 4).

It writes bookings and call-back tickets, alerts staff and can end a live chat,
so a forged ``POST /webhook`` must not reach it: it listens on loopback unless
ACTION_HOST says otherwise (a clinic group's action hosts), and every request
but the health check must carry ``Authorization: Bearer <ACTION_SERVER_TOKEN>``,
which endpoints.yml makes Rasa send.
"""

from __future__ import annotations

import os
from typing import Any

from clinic.secret_match import secret_matches

TOKEN_VARIABLE = "ACTION_SERVER_TOKEN"
HOST_VARIABLE = "ACTION_HOST"
DEFAULT_HOST = "127.0.0.1"
OPEN_PATHS = frozenset({"/health"})


class MissingActionToken(SystemExit):
    def __init__(self) -> None:
        super().__init__(
            f"{TOKEN_VARIABLE} is not set: the action server refuses to run "
            "without the secret Rasa sends it (scripts/env.sh makes one)."
        )


def action_token() -> str:
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise MissingActionToken()
    return token


def is_authorised(header: str | None, token: str) -> bool:
    return secret_matches(header, f"Bearer {token}")


def require_token(app: Any, token: str) -> None:
    """A request middleware on the action server's Sanic app."""
    from sanic import response

    async def refuse_strangers(request: Any) -> Any:
        if request.path in OPEN_PATHS:
            return None
        if is_authorised(request.headers.get("Authorization"), token):
            return None
        return response.json({"error": "not authorised"}, status=401)

    app.register_middleware(refuse_strangers, "request")


def guard_action_server() -> None:
    """Loopback by default, and no start without the token (``rasa run
    actions``); rasa-sdk's plugin hook (rasa_sdk_plugins/) then makes every
    request carry it."""
    action_token()  # fail at start, not on the first visitor's message
    # rasa_sdk listens on SANIC_HOST, 0.0.0.0 when unset.
    os.environ["SANIC_HOST"] = os.environ.get(HOST_VARIABLE) or DEFAULT_HOST
