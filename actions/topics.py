"""Each topic as a button, for when the assistant asks "did you mean?"."""

from __future__ import annotations

from clinic.intent_names import BOOK_APPOINTMENT, HUMAN_HANDOFF
from clinic.topic_titles import FAQ_SUGGESTIONS, Suggestion

__all__ = ["FAQ_SUGGESTIONS", "INTENT_SUGGESTIONS", "Suggestion"]


INTENT_SUGGESTIONS: dict[str, Suggestion] = {
    BOOK_APPOINTMENT: Suggestion("Book a consultation", f"/{BOOK_APPOINTMENT}"),
    HUMAN_HANDOFF: Suggestion("Talk to a person", f"/{HUMAN_HANDOFF}"),
    "help": Suggestion("What can you help with?", "What can you help me with?"),
}
