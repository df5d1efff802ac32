"""Limits per address, socket.io connects and ratings, through a real Rasa server
behind a trusted proxy (issue 24): one address opening conversation after
conversation is limited, and still gets crisis resources; other addresses are
not slowed; connects and ratings have their own limits."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
import requests
import socketio
from socketio.exceptions import ConnectionError as SocketConnectionError

from clinic.channels.rate_limit import LIMITED_EVENT
from harness.servers import Assistant, clinic_settings
from tests.integration.conftest import CONNECTS, PER_ADDRESS, RATINGS, REST_TOKEN
from tests.integration.test_socketio_channel import REPLY_TIMEOUT, Visitor, close

CRISIS = clinic_settings().crisis


def address() -> str:
    """A documentation address (RFC 5737) of its own for each test."""
    return f"203.0.113.{uuid.uuid4().int % 250 + 1}"


def post(
    assistant: Assistant, text: str, forwarded_for: str | None
) -> requests.Response:
    headers = {"Authorization": f"Bearer {REST_TOKEN}"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    return requests.post(
        f"{assistant.url}/webhooks/rest/webhook",
        json={"sender": uuid.uuid4().hex, "message": text},
        headers=headers,
        timeout=30,
    )


def test_one_address_with_many_conversations_is_limited(
    behind_a_proxy: Assistant,
) -> None:
    flooding, calm = address(), "198.51.100.7"
    for n in range(PER_ADDRESS):
        assert post(behind_a_proxy, f"hello {n}", flooding).status_code == 200
    limited = post(behind_a_proxy, "i want to kill myself", flooding)
    assert limited.status_code == 429
    [reply] = limited.json()["messages"]
    assert CRISIS.short in reply["text"] and CRISIS.emergency in reply["text"]
    assert post(behind_a_proxy, "hello", calm).status_code == 200


def test_only_the_proxys_last_hop_counts(behind_a_proxy: Assistant) -> None:
    """A client's own X-Forwarded-For entries are ignored: the proxy appends the
    address it saw, so a flood cannot spread itself over made-up addresses."""
    real = address()
    for n in range(PER_ADDRESS):
        made_up = f"192.0.2.{n + 1}, {real}"
        assert post(behind_a_proxy, f"hello {n}", made_up).status_code == 200
    assert post(behind_a_proxy, "hello", f"192.0.2.99, {real}").status_code == 429


def test_the_machine_itself_is_limited_per_conversation_only(
    behind_a_proxy: Assistant,
) -> None:
    """127.0.0.1 without a forwarded address is exempt (RATE_LIMIT_EXEMPT)."""
    for n in range(PER_ADDRESS * 2):
        assert post(behind_a_proxy, f"hello {n}", None).status_code == 200


async def connect(
    assistant: Assistant, forwarded_for: str, refusals: list[Any] | None = None
) -> tuple[socketio.AsyncClient, Visitor]:
    client = socketio.AsyncClient(reconnection=False)
    visitor = Visitor(client, uuid.uuid4().hex)
    if refusals is not None:
        client.on("connect_error", refusals.append)
    await client.connect(
        assistant.url,
        headers={"X-Forwarded-For": forwarded_for},
        transports=["polling"],
        wait_timeout=10,
    )
    return client, visitor


async def test_socket_connects_per_address_are_limited_politely(
    behind_a_proxy: Assistant,
) -> None:
    connecting = address()
    clients = []
    try:
        for _ in range(CONNECTS):
            client, _ = await connect(behind_a_proxy, connecting)
            clients.append(client)
        refusals: list[Any] = []
        with pytest.raises(SocketConnectionError):
            await connect(behind_a_proxy, connecting, refusals)
        [refusal] = refusals
        assert CRISIS.short in refusal["message"], "the widget shows why"
        assert refusal["data"] == {"error": LIMITED_EVENT}
        other, _ = await connect(behind_a_proxy, address())
        clients.append(other)
    finally:
        for client in clients:
            await close(client)


async def test_ratings_of_a_conversation_are_limited(
    behind_a_proxy: Assistant,
) -> None:
    client, visitor = await connect(behind_a_proxy, address())
    saved: asyncio.Queue[Any] = asyncio.Queue()
    limited: asyncio.Queue[Any] = asyncio.Queue()
    client.on("feedback_saved", saved.put_nowait)
    client.on(LIMITED_EVENT, limited.put_nowait)
    try:
        await visitor.join()
        await visitor.say("how much does it cost")
        answer = (await visitor.next_reply())["text"]
        rating = {"session_id": visitor.session_id, "rating": "up", "text": answer}
        for _ in range(RATINGS):
            await client.emit("answer_feedback", rating)
            await asyncio.wait_for(saved.get(), REPLY_TIMEOUT)
        await client.emit("answer_feedback", rating)
        await asyncio.wait_for(limited.get(), REPLY_TIMEOUT)
        assert saved.empty()
    finally:
        await close(client)
