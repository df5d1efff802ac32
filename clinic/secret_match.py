"""One comparison for every secret a request carries (tokens, CSRF values).

``hmac.compare_digest`` takes its time whatever matches, but on ``str`` it
raises for anything but ASCII, and Sanic and aiohttp hand non-UTF-8 header bytes
over as lone surrogates: a header of "é" was a 500 instead of a refusal. Both
sides are compared as bytes, surrogates turned back into the bytes they stand
for.
"""

from __future__ import annotations

import hmac


def secret_matches(provided: object, expected: str) -> bool:
    if not isinstance(provided, str) or not provided or not expected:
        return False
    return hmac.compare_digest(as_bytes(provided), as_bytes(expected))


def as_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")
