"""A protection: while the conversation store cannot be read, a visitor is
told so, instead of being answered out of context (issue 21).

Rasa's FailSafeTrackerStore answers a store error with an empty conversation:
a visitor confirming a booking when PostgreSQL is away got "Okay. What would
you like to know next?", as if nothing had been said. Now a message whose
conversation could not be read gets ``utter_conversation_unavailable`` (the
clinic's phone, the crisis line, nothing saved), unless it reads as a crisis:
a crisis message still gets the crisis reply, which needs no history, and its
flag goes to the spool when the database is away (docs/safety.md).
"""

from __future__ import annotations

from typing import Any

from clinic.intent_names import CRISIS
from clinic.store.outage import STORE_UNREACHABLE

UNAVAILABLE_RESPONSE = "utter_conversation_unavailable"


class ConversationUnavailable(Exception):
    def __init__(self, tracker: Any) -> None:
        super().__init__("the conversation store could not be read")
        self.tracker = tracker


def reads_as_crisis(tracker: Any) -> bool:
    intent = (tracker.latest_message.intent or {}) if tracker.latest_message else {}
    return intent.get("name") == CRISIS


async def tell_the_visitor(processor: Any, message: Any, tracker: Any) -> Any:
    from rasa.core.channels.channel import CollectingOutputChannel

    channel = message.output_channel
    response = await processor.nlg.generate(
        UNAVAILABLE_RESPONSE, tracker, channel.name()
    )
    if response:
        await channel.send_response(message.sender_id, response)
    if isinstance(channel, CollectingOutputChannel):
        return channel.messages
    return None


def tell_visitors_when_the_store_is_away() -> None:
    """Wraps ``handle_message`` (to answer) and ``_handle_message_with_tracker``
    (to stop once the message is read, before any action runs or anything is
    saved to the in-memory stand-in)."""
    from rasa.core.processor import MessageProcessor

    rasas_handle = MessageProcessor.handle_message
    if getattr(rasas_handle, "tells_of_store_outage", False):
        return
    read_message = MessageProcessor._handle_message_with_tracker

    async def handle(self: MessageProcessor, message: Any) -> Any:
        token = STORE_UNREACHABLE.set(False)
        try:
            return await rasas_handle(self, message)
        except ConversationUnavailable as away:
            return await tell_the_visitor(self, message, away.tracker)
        finally:
            STORE_UNREACHABLE.reset(token)

    async def read(self: MessageProcessor, message: Any, tracker: Any) -> None:
        await read_message(self, message, tracker)
        if STORE_UNREACHABLE.get() and not reads_as_crisis(tracker):
            raise ConversationUnavailable(tracker)

    handle.tells_of_store_outage = True  # type: ignore[attr-defined]
    MessageProcessor.handle_message = handle  # type: ignore[method-assign]
    MessageProcessor._handle_message_with_tracker = read  # type: ignore[method-assign]
