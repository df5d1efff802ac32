"""A visitor's thumbs-down from the widget's socket, through the real Rasa
server (clinic/channels/socketio.py), into the answer_feedback table."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from clinic.store.answer_feedback import feedback_for
from clinic.store.db import make_engine
from harness.servers import Assistant
from tests.integration.test_socketio_channel import (
    REPLY_TIMEOUT,
    Visitor,
    connected,
    new_session,
)


@pytest.fixture
def site_origin(site_port: int) -> str:
    return f"http://127.0.0.1:{site_port}"


def acks_of(visitor: Visitor) -> asyncio.Queue[Any]:
    acks: asyncio.Queue[Any] = asyncio.Queue()
    visitor.client.on("feedback_saved", acks.put_nowait)
    return acks


def stored(assistant: Assistant, conversation_id: str) -> list[tuple[str, str]]:
    engine = make_engine(assistant.database_url)
    try:
        rows = feedback_for(engine, conversation_id)
    finally:
        engine.dispose()
    return [(row["rating"], row["bot_text"]) for row in rows]


async def test_a_thumbs_down_on_an_answer_is_stored_and_acknowledged(
    assistant: Assistant, site_origin: str
) -> None:
    async with connected(assistant, site_origin, new_session()) as visitor:
        session = visitor.session_id  # the id the server issued
        acks = acks_of(visitor)
        await visitor.say("how long does a session take?")
        answer = next(r["text"] for r in visitor.replies() if r.get("text"))
        feedback = {"session_id": session, "rating": "down", "text": answer}
        await visitor.client.emit("answer_feedback", feedback)
        assert await asyncio.wait_for(acks.get(), REPLY_TIMEOUT) == {"rating": "down"}
    assert stored(assistant, session) == [("down", answer)]


async def test_bad_feedback_and_other_conversations_are_ignored(
    assistant: Assistant, site_origin: str
) -> None:
    other = new_session()
    async with connected(assistant, site_origin, new_session()) as visitor:
        session = visitor.session_id  # the id the server issued
        acks = acks_of(visitor)
        for bad in (
            {"session_id": other, "rating": "down", "text": "Not my conversation"},
            {"session_id": session, "rating": "meh", "text": "An answer"},
            {"session_id": session, "rating": "down", "text": "   "},
            {"session_id": session, "rating": "down", "text": "x" * 2001},
            {"session_id": session, "rating": "down", "text": ["a list"]},
            "not even a dict",
        ):
            await visitor.client.emit("answer_feedback", bad)
        await visitor.client.emit(
            "answer_feedback", {"session_id": session, "rating": "up", "text": "Hello!"}
        )
        assert await asyncio.wait_for(acks.get(), REPLY_TIMEOUT) == {"rating": "up"}
        # A message through Rasa and back, sent after them all, is the barrier:
        # by its reply the ignored ones were handled, and none was answered.
        await visitor.say("hello")  # the socket is still fine
        assert visitor.replies()
        assert acks.empty()
    assert stored(assistant, session) == [("up", "Hello!")]
    assert stored(assistant, other) == []
