"""The conversation lock across replicas (clinic/cluster/lock_store.py), on the
real Redis: two stores, as two replicas hold them, exclude each other per
conversation; a store whose Redis is gone lets the message through."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from rasa.utils.endpoints import EndpointConfig

from clinic.cluster.lock_store import RedisConversationLockStore
from harness.servers import free_port
from harness.services import redis_url


def store(url: str) -> RedisConversationLockStore:
    return RedisConversationLockStore(EndpointConfig(url=url))


@pytest.fixture
def url() -> str:
    return redis_url()


async def test_two_replicas_take_turns_on_one_conversation(url: str) -> None:
    replica_a, replica_b = store(url), store(url)
    conversation = f"c-{uuid.uuid4().hex}"
    order: list[str] = []

    async def handle(replica: RedisConversationLockStore, name: str) -> None:
        async with replica.lock(conversation):
            order.append(f"{name} in")
            await asyncio.sleep(0.2)
            order.append(f"{name} out")

    await asyncio.gather(handle(replica_a, "a"), handle(replica_b, "b"))
    one_then_other = [
        ["a in", "a out", "b in", "b out"],
        ["b in", "b out", "a in", "a out"],
    ]
    assert order in one_then_other


async def test_other_conversations_do_not_wait(url: str) -> None:
    replica_a, replica_b = store(url), store(url)
    # Were B to wait for A's lock, it would give up after 2 s with LockError.
    async with (
        replica_a.lock(f"c-{uuid.uuid4().hex}"),
        replica_b.lock(f"c-{uuid.uuid4().hex}", lock_lifetime=2),
    ):
        pass


async def test_redis_gone_lets_the_message_through(
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = free_port()  # nobody listens on it
    handled = False
    async with store(f"redis://127.0.0.1:{port}/0").lock("c"):
        handled = True
    assert handled
    assert "without the conversation's lock" in caplog.text
