"""Rasa's socket.io channel as the widget uses it: a real python-socketio client
against the real Rasa server (clinic/channels/socketio.py).

python-socketio's asyncio client speaks only long-polling here (its websocket
transport needs aiohttp >= 3.10; Rasa 3.6 pins 3.9), so the websocket handshake
is checked with the ``websockets`` library directly."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import socketio
import websockets
from socketio.exceptions import ConnectionError as SocketConnectionError
from websockets.exceptions import InvalidStatusCode

from clinic.channels.rate_limit import DEFAULT_PER_MINUTE, LIMITED_EVENT
from clinic.limits import MAX_MESSAGE_CHARS, TOO_LONG_EVENT, TOO_LONG_TEXT
from harness.servers import Assistant, clinic_settings
from harness.web import staff_reply

REPLY_TIMEOUT = 30.0


class Visitor:
    """One socket.io connection to a conversation, collecting what the bot says."""

    def __init__(self, client: socketio.AsyncClient, session_id: str) -> None:
        self.client = client
        self.session_id = session_id
        self.received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.confirmed: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        client.on("bot_uttered", self.received.put_nowait)
        client.on("session_confirm", self._confirm)

    def _confirm(self, session_id: str) -> None:
        if not self.confirmed.done():
            self.confirmed.set_result(session_id)

    async def join(self) -> None:
        """Proposes its id; the server confirms it if it issued it, else gives a
        new one, which the visitor keeps (as the widget does)."""
        await self.client.emit("session_request", {"session_id": self.session_id})
        self.session_id = await asyncio.wait_for(self.confirmed, REPLY_TIMEOUT)

    async def say(self, text: str) -> None:
        """Sends and waits for the server's confirmation (sent after its replies)."""
        message = {"message": text, "session_id": self.session_id}
        await self.client.call("user_uttered", message, timeout=REPLY_TIMEOUT)

    def replies(self) -> list[dict[str, Any]]:
        replies = []
        while not self.received.empty():
            replies.append(self.received.get_nowait())
        return replies

    async def next_reply(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.received.get(), REPLY_TIMEOUT)


@asynccontextmanager
async def connected(
    assistant: Assistant,
    origin: str | None,
    session_id: str,
) -> AsyncIterator[Visitor]:
    client = socketio.AsyncClient(reconnection=False)
    visitor = Visitor(client, session_id)
    headers = {"Origin": origin} if origin else {}
    await client.connect(
        assistant.url, headers=headers, transports=["polling"], wait_timeout=10
    )
    try:
        await visitor.join()
        yield visitor
    finally:
        await close(client)


async def close(client: socketio.AsyncClient) -> None:
    """Closes without waiting for the long-poll in flight (up to 25 s)."""
    loops = [client.eio.read_loop_task, client.eio.write_loop_task]
    await client.eio.disconnect(abort=True)
    for task in loops:
        if task:
            task.cancel()
    await asyncio.gather(*[task for task in loops if task], return_exceptions=True)


@pytest.fixture
def site_origin(site_port: int) -> str:
    return f"http://127.0.0.1:{site_port}"


def new_session() -> str:
    return uuid.uuid4().hex


OTHER_ORIGINS = ["https://evil.example", "http://127.0.0.1:1", "null"]


@pytest.mark.parametrize("origin", OTHER_ORIGINS)
async def test_pages_of_other_origins_cannot_connect(
    assistant: Assistant, origin: str
) -> None:
    client = socketio.AsyncClient(reconnection=False)
    with pytest.raises(SocketConnectionError):
        await client.connect(
            assistant.url,
            headers={"Origin": origin},
            transports=["polling"],
            wait_timeout=10,
        )
    assert not client.connected


def websocket_url(assistant: Assistant) -> str:
    return (
        assistant.url.replace("http:", "ws:", 1)
        + "/socket.io/?EIO=4&transport=websocket"
    )


@pytest.mark.parametrize("origin", OTHER_ORIGINS)
async def test_websockets_from_other_origins_are_refused(
    assistant: Assistant, origin: str
) -> None:
    with pytest.raises(InvalidStatusCode) as refused:
        await websockets.connect(
            websocket_url(assistant), extra_headers={"Origin": origin}
        )
    assert refused.value.status_code == 400


async def test_websockets_from_the_allowed_origin_are_opened(
    assistant: Assistant, site_origin: str
) -> None:
    async with websockets.connect(
        websocket_url(assistant), extra_headers={"Origin": site_origin}
    ) as socket:
        opening = await asyncio.wait_for(socket.recv(), REPLY_TIMEOUT)
    assert str(opening).startswith("0{"), "engine.io's open packet"


async def test_the_allowed_origin_talks_with_the_assistant(
    assistant: Assistant, site_origin: str
) -> None:
    async with connected(assistant, site_origin, new_session()) as visitor:
        await visitor.say("what are the side effects of ketamine?")
        texts = " ".join(reply.get("text", "") for reply in visitor.replies())
        assert "dizziness" in texts


async def test_clients_without_an_origin_are_not_browsers_and_may_connect(
    assistant: Assistant,
) -> None:
    async with connected(assistant, None, new_session()) as visitor:
        await visitor.say("hello")
        assert visitor.replies()


async def test_every_connection_to_a_conversation_gets_its_replies(
    assistant: Assistant, site_origin: str
) -> None:
    # Two tabs of one visitor. Rasa 3.6 never joined the room (enter_room is a
    # coroutine in python-socketio 5 and was not awaited): nobody got replies.
    async with connected(assistant, site_origin, new_session()) as first:
        session = first.session_id
        async with connected(assistant, site_origin, session) as second:
            assert second.session_id == session, "an issued id is confirmed"
            await first.say("how long does a session take?")
            await asyncio.wait_for(second.next_reply(), REPLY_TIMEOUT)
            answer = " ".join(r.get("text", "") for r in first.replies())
            assert "40 minutes" in answer
    tracker = assistant.tracker(session)
    assert tracker["latest_input_channel"] == "socketio"


async def test_the_crisis_reply_tells_the_widget_the_resources(
    assistant: Assistant, site_origin: str
) -> None:
    crisis = clinic_settings().crisis
    async with connected(assistant, site_origin, new_session()) as visitor:
        await visitor.say("i want to end my life")
        data = [r for r in visitor.replies() if "crisis_resources" in r]
    assert data == [
        {
            "crisis_resources": list(crisis.resources),
            "crisis_line": crisis.short,
            "crisis_call": crisis.call,
            "emergency_number": crisis.emergency,
        }
    ]


async def test_a_staff_reply_reaches_the_visitors_socket(
    assistant: Assistant, site_origin: str
) -> None:
    async with connected(assistant, site_origin, new_session()) as visitor:
        await visitor.say("hello")
        visitor.replies()
        await asyncio.to_thread(
            staff_reply, assistant, visitor.session_id, "Hi, I'm Dana.", "Dana", False
        )
        reply = await visitor.next_reply()
    assert reply == {"text": "Hi, I'm Dana.", "staff_name": "Dana"}


async def test_a_message_over_the_limit_is_refused_with_an_event(
    assistant: Assistant, site_origin: str
) -> None:
    async with connected(assistant, site_origin, new_session()) as visitor:
        refusals: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        visitor.client.on(TOO_LONG_EVENT, refusals.put_nowait)
        await visitor.say("a" * (MAX_MESSAGE_CHARS + 1))
        refusal = await asyncio.wait_for(refusals.get(), REPLY_TIMEOUT)
        assert refusal == {"max_characters": MAX_MESSAGE_CHARS, "text": TOO_LONG_TEXT}
        assert (await visitor.next_reply())["text"] == TOO_LONG_TEXT
        await visitor.say("hello")
        assert (await visitor.next_reply())["text"], "the conversation goes on"


async def test_a_conversation_id_this_server_did_not_issue_gets_a_fresh_one(
    assistant: Assistant, site_origin: str
) -> None:
    """Someone who names another visitor's conversation (a REST sender, a made-up
    or forged id) gets a new conversation and nothing of the other's."""
    maria = f"maria-{uuid.uuid4().hex[:8]}"
    assistant.send(maria, "hi, I'm Maria, how much does it cost?")
    before = assistant.tracker(maria)["events"]
    forged = uuid.uuid4().hex + "-" + "A" * 24
    for proposed in (maria, forged):
        async with connected(assistant, site_origin, proposed) as stranger:
            assert stranger.session_id != proposed
            await stranger.say("hello")
            replies = " ".join(r.get("text", "") for r in stranger.replies())
            assert "Maria" not in replies
            mine = assistant.tracker(stranger.session_id)
            texts = [e.get("text") for e in mine["events"] if e["event"] == "user"]
            assert texts == ["hello"], "a conversation of its own"
    assert assistant.tracker(maria)["events"] == before


async def test_a_socket_cannot_speak_in_another_visitors_conversation(
    assistant: Assistant, site_origin: str
) -> None:
    async with (
        connected(assistant, site_origin, new_session()) as visitor,
        connected(assistant, site_origin, new_session()) as stranger,
    ):
        await visitor.say("hello")
        visitor.replies()
        before = assistant.tracker(visitor.session_id)["events"]
        message = {"message": "stop", "session_id": visitor.session_id}
        await stranger.client.call("user_uttered", message, timeout=REPLY_TIMEOUT)
        assert visitor.replies() == [], "the visitor hears nothing of it"
        assert assistant.tracker(visitor.session_id)["events"] == before
        own = assistant.tracker(stranger.session_id)["events"]
        assert [e.get("text") for e in own if e["event"] == "user"] == ["stop"]


async def test_a_flooding_socket_is_limited_and_still_gets_crisis_help(
    assistant: Assistant, site_origin: str
) -> None:
    crisis = clinic_settings().crisis
    async with connected(assistant, site_origin, new_session()) as visitor:
        limited: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        visitor.client.on(LIMITED_EVENT, limited.put_nowait)
        for n in range(DEFAULT_PER_MINUTE):
            await visitor.say(f"hello {n}")
        assert limited.empty()
        visitor.replies()
        await visitor.say("i want to end my life")
        event = await asyncio.wait_for(limited.get(), REPLY_TIMEOUT)
        assert crisis.short in event["text"] and crisis.emergency in event["text"]
        reply = await visitor.next_reply()
        assert crisis.short in reply["text"], "the chat window shows it too"
