"""A visitor talking to the real assistant over the REST channel."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import create_engine

from clinic.store.booking_requests import list_booking_requests
from clinic.store.handoff_tickets import list_handoff_tickets
from harness.servers import Assistant

# A whole booking, as a visitor types it: the form's questions in order, then
# consent and confirmation.
BOOKING_TURNS = [
    "hi",
    "i'd like to book a consultation",
    "Alex",
    "alex@example.org",
    "weekends",
    "afternoon",
    "skip",
    "yes",
    "yes",
]


@dataclass
class Reply:
    """The assistant's answer to one message, and the responses it used."""

    messages: list[dict]
    responses: list[str]

    @property
    def text(self) -> str:
        return "\n".join(message.get("text", "") for message in self.messages)

    @property
    def payloads(self) -> list[str]:
        return [
            button["payload"]
            for message in self.messages
            for button in message.get("buttons", [])
        ]


@dataclass
class Visitor:
    assistant: Assistant
    sender: str = field(default_factory=lambda: f"visitor-{uuid.uuid4().hex[:10]}")

    def say(self, text: str) -> Reply:
        messages = self.assistant.send(self.sender, text)
        return Reply(messages, self.responses_since_last_message())

    def responses_since_last_message(self) -> list[str]:
        events = self.assistant.tracker(self.sender)["events"]
        names: list[str] = []
        for event in reversed(events):
            if event["event"] == "user":
                break
            if event["event"] == "bot":
                metadata = event.get("metadata") or {}
                # An FAQ answer chosen in context names itself (clinic/follow_up.py).
                answer = metadata.get("answer_key")
                names.append(
                    f"utter_{answer}" if answer else metadata.get("utter_action", "")
                )
        return names[::-1]

    def slots(self) -> dict:
        return self.assistant.tracker(self.sender)["slots"]

    def active_loop(self) -> str | None:
        loop = self.assistant.tracker(self.sender).get("active_loop") or {}
        return loop.get("name")


def booking_requests_of(database_url: str, visitor: Visitor) -> list[dict]:
    """The booking requests stored for this visitor's conversation."""
    engine = create_engine(database_url)
    try:
        return [
            row
            for row in list_booking_requests(engine, status=None)
            if row["conversation_id"] == visitor.sender
        ]
    finally:
        engine.dispose()


def handoff_tickets_of(assistant: Assistant, visitor: Visitor) -> list[dict]:
    """The call-back tickets stored for this visitor's conversation."""
    engine = create_engine(assistant.database_url)
    try:
        return [
            ticket
            for ticket in list_handoff_tickets(engine)
            if ticket["conversation_id"] == visitor.sender
        ]
    finally:
        engine.dispose()


def asks(reply: Reply, question: str) -> bool:
    """The reply ends by asking the form's question for ``question``."""
    return reply.responses[-1:] == [f"utter_ask_{question}"]
