"""The Rasa HTTP API's token in a header, so it never travels in a URL (issue 24).

Rasa 3.6 reads its ``--auth-token`` only from the ``token`` query parameter, and
a URL is what access logs, proxies and error messages keep. The Rasa server
also accepts the token as ``X-Rasa-Token``, which the console and the
retraining job send; the query parameter still works for the clinic's own
scripts and quality checks on the server's machine.
"""

from __future__ import annotations

from functools import wraps
from inspect import isawaitable
from typing import Any

from clinic.secret_match import secret_matches

TOKEN_HEADER = "X-Rasa-Token"


def token_header(token: str) -> dict[str, str]:
    """The headers a client of the Rasa HTTP API sends."""
    return {TOKEN_HEADER: token}


def carries_token(headers: Any, token: str | None) -> bool:
    return secret_matches(headers.get(TOKEN_HEADER), token or "")


def accept_the_token_in_a_header() -> None:
    """Wraps ``rasa.server.requires_auth``, which ``create_app`` applies to every
    protected route when the server starts; anything else goes to Rasa's check
    (query token, JWT) unchanged."""
    import rasa.server

    rasas_requires_auth = rasa.server.requires_auth
    if getattr(rasas_requires_auth, "reads_the_header", False):
        return

    def requires_auth(app: Any, token: str | None = None) -> Any:
        rasas_decorator = rasas_requires_auth(app, token)

        def decorator(handler: Any) -> Any:
            rasas_check = rasas_decorator(handler)

            @wraps(handler)
            async def decorated(request: Any, *args: Any, **kwargs: Any) -> Any:
                if carries_token(request.headers, token):
                    result = handler(request, *args, **kwargs)
                    return await result if isawaitable(result) else result
                return await rasas_check(request, *args, **kwargs)

            return decorated

        return decorator

    requires_auth.reads_the_header = True  # type: ignore[attr-defined]
    rasa.server.requires_auth = requires_auth  # type: ignore[assignment]
