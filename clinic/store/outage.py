"""Whether the conversation store could not be read for the message being
handled. Rasa falls back to an empty conversation when its tracker store
fails (FailSafeTrackerStore); clinic/rasa_patches/store_outage.py reads this
flag to tell the visitor instead of answering them out of context.

A context variable: each message is handled in its own asyncio task, and the
store sets it inside the same task that reads it afterwards."""

from __future__ import annotations

from contextvars import ContextVar

STORE_UNREACHABLE: ContextVar[bool] = ContextVar(
    "conversation_store_unreachable", default=False
)
