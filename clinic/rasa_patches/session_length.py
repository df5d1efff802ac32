"""A protection: a conversation whose session grows past a number of events
starts a new session, as after an hour's silence (Rasa's
``action_session_start``, slots carried over), so that the work of one message
stays bounded.

On every message Rasa loads the conversation's latest session (the tracker
store reads the events since its last start), keeps it and replays it for the
policies: each message of a session costs more than the one before. A session
ends after 60 minutes of silence (domain/shared.yml), but a visitor or a script
that never pauses would grow one without end (issue 24: "bounded work per
message"). The limit (``MAX_SESSION_EVENTS``, about 300 to 500 messages) is far
beyond any real visitor's conversation.

A new session drops a form in progress (Rasa's session start resets the active
loop), so a visitor halfway through booking would lose it: while a form is
active the session may run ``MAX_FORM_EXTRA_EVENTS`` further, still a bound.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from clinic.limits import MAX_FORM_EXTRA_EVENTS, MAX_SESSION_EVENTS

LIMIT_VARIABLE = "MAX_SESSION_EVENTS"

logger = logging.getLogger(__name__)


def max_session_events() -> int:
    return int(os.environ.get(LIMIT_VARIABLE) or MAX_SESSION_EVENTS)


def end_sessions_that_grow_too_long() -> None:
    from rasa.core.processor import MessageProcessor

    rasas_own = MessageProcessor._has_session_expired
    if getattr(rasas_own, "ends_long_sessions", False):
        return
    limit = max_session_events()

    def has_expired(self: MessageProcessor, tracker: Any) -> bool:
        return rasas_own(self, tracker) or session_longer_than(
            tracker, limit_for(tracker, limit)
        )

    has_expired.ends_long_sessions = True  # type: ignore[attr-defined]
    MessageProcessor._has_session_expired = has_expired  # type: ignore[method-assign]


def limit_for(tracker: Any, limit: int) -> int:
    """The limit, raised while a form is in progress (see the module's note)."""
    return limit + MAX_FORM_EXTRA_EVENTS if tracker.active_loop_name else limit


def session_longer_than(tracker: Any, limit: int) -> bool:
    """More than ``limit`` events since the session's start (read from the
    newest back, and only when the whole tracker is longer than that)."""
    from rasa.shared.core.events import SessionStarted

    if len(tracker.events) <= limit:
        return False
    for count, event in enumerate(reversed(tracker.events)):
        if isinstance(event, SessionStarted):
            return False
        if count >= limit:
            logger.warning("a session passed %d events: a new one starts", limit)
            return True
    return False
