"""A protection: the tracker keeps a long message cut to size (the crisis flag
keeps the same), so one message cannot hold megabytes in every later turn."""

from __future__ import annotations

from typing import Any

from clinic.limits import (
    MAX_KEPT_MESSAGE_CHARS,
)


def keep_long_messages_short_in_the_tracker() -> None:
    """A message is read whole, then kept cut to ``MAX_KEPT_MESSAGE_CHARS``.

    NLU and the crisis detector read up to 64,000 characters, but the
    conversation keeps what it is told: a tracker is held in the server's cache,
    stored, and sent whole to the action server on every custom action. In the
    fuzz run ten conversations of maximum-size messages grew the Rasa server by
    257 MB and made each of their messages take seconds. Kept cut, the text
    staff read and the crisis flag (also cut at 5,000) lose only the tail.
    """
    from rasa.core.processor import MessageProcessor

    rasas_own = MessageProcessor._handle_message_with_tracker
    if getattr(rasas_own, "keeps_messages_short", False):
        return

    async def handle(self: MessageProcessor, message: Any, tracker: Any) -> None:
        if len(message.text or "") > MAX_KEPT_MESSAGE_CHARS:
            parse_data = message.parse_data or await self.parse_message(
                message, tracker
            )
            message.text = cut_to_keep(message.text)
            message.parse_data = {**parse_data, "text": cut_to_keep(parse_data["text"])}
        await rasas_own(self, message, tracker)

    handle.keeps_messages_short = True  # type: ignore[attr-defined]
    MessageProcessor._handle_message_with_tracker = handle  # type: ignore[method-assign]


def cut_to_keep(text: str | None) -> str:
    text = text or ""
    if len(text) <= MAX_KEPT_MESSAGE_CHARS:
        return text
    left_out = len(text) - MAX_KEPT_MESSAGE_CHARS
    return f"{text[:MAX_KEPT_MESSAGE_CHARS]} […{left_out} more characters not kept]"
