"""Conversation ids the server issues, so a conversation belongs to its visitor
(issue 24, item 2).

A socket.io visitor's conversation id is ``<32 random hex>-<signature>``, the
signature an HMAC of the random part under CONVERSATION_SECRET. The widget keeps
the id it was given and presents it again after a reload; an id the server did
not issue (guessed, copied from a webhook, made up) gets a fresh conversation,
never the other visitor's. Every replica of a clinic group needs the same
secret (scripts/env.sh keeps one in var/conversation_secret).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
import secrets
from functools import cache
from typing import TypeGuard

logger = logging.getLogger(__name__)

SECRET_VARIABLE = "CONVERSATION_SECRET"
ISSUED = re.compile(r"^([0-9a-f]{32})-([A-Za-z0-9_-]{24})$")


@cache
def conversation_secret() -> bytes:
    """The configured secret; without one, this process's own random secret
    (ids then last until a restart: a visitor starts a new conversation)."""
    configured = os.environ.get(SECRET_VARIABLE, "").strip()
    if configured:
        return configured.encode()
    logger.warning(
        "%s is not set: conversation ids will not survive a restart", SECRET_VARIABLE
    )
    return secrets.token_bytes(32)


def signature(random_part: str, secret: bytes) -> str:
    digest = hmac.new(secret, random_part.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def issue_conversation_id(secret: bytes | None = None) -> str:
    random_part = secrets.token_hex(16)
    return f"{random_part}-{signature(random_part, secret or conversation_secret())}"


def was_issued(candidate: object, secret: bytes | None = None) -> TypeGuard[str]:
    if not isinstance(candidate, str):
        return False
    found = ISSUED.match(candidate)
    if not found:
        return False
    expected = signature(found.group(1), secret or conversation_secret())
    return hmac.compare_digest(found.group(2), expected)


def conversation_for(proposed: object) -> str:
    """The proposed id if this server issued it, else a new one."""
    if was_issued(proposed):
        return proposed
    return issue_conversation_id()
