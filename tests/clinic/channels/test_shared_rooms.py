"""socket.io rooms shared through Redis (clinic/channels/shared_rooms.py).

Delivery across two real Rasa replicas is tested in
tests/integration/test_replicas.py; here, what the manager does with a Redis
that is wrong or does not answer."""

from __future__ import annotations

import asyncio

import pytest
from socketio import AsyncServer

from clinic.channels.shared_limits import RedisUrlError
from clinic.channels.shared_rooms import BoundedRedisManager, share_rooms
from harness.services import redis_url


def test_the_server_gets_the_redis_manager_before_its_first_connection() -> None:
    sio = AsyncServer(async_mode="asgi")
    share_rooms(sio, redis_url())
    assert isinstance(sio.manager, BoundedRedisManager)
    assert sio.manager.server is sio
    assert not sio.manager_initialized


def test_a_url_redis_cannot_read_is_refused_naming_the_variable() -> None:
    with pytest.raises(RedisUrlError, match="SOCKETIO_REDIS_URL"):
        share_rooms(AsyncServer(async_mode="asgi"), "redis://:secret@h:port/0")


def test_an_emit_does_not_wait_on_a_redis_that_never_answers(
    silent_redis: str,
) -> None:
    sio = AsyncServer(async_mode="asgi")
    share_rooms(sio, silent_redis)

    async def emit_twice() -> None:
        # The second emit finds the link marked down and tries again.
        for _ in range(2):
            await asyncio.wait_for(sio.emit("bot_uttered", {"text": "hi"}, room="r"), 5)

    asyncio.run(emit_twice())
