"""socket.io rooms shared by every Rasa replica, through Redis (issue 21).

A visitor's socket is held by one replica, but what is said to them can come
from another: a staff member's reply from the console, posted to
``/conversations/<id>/tracker/events`` behind the load balancer, is emitted
by whichever replica took that request, to a room it does not hold. With
SOCKETIO_REDIS_URL set, python-socketio's AsyncRedisManager publishes every
emit on Redis and the replica holding the visitor's socket delivers it.
Without it (``make run``, one process) rooms stay in the process.

Redis away: a replica still delivers to its own sockets at once (the manager
emits locally before it publishes), and a reply meant for another replica's
socket is not shown live but stays in the conversation. A hung Redis costs an
emit at most PUBLISH_TIMEOUT_SECONDS.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

from socketio import AsyncRedisManager, AsyncServer

from clinic.channels.shared_limits import checked

logger = logging.getLogger(__name__)

REDIS_VARIABLE = "SOCKETIO_REDIS_URL"
CHANNEL = "clinic-socketio"
PUBLISH_TIMEOUT_SECONDS = 1.0


def socketio_redis_url() -> str:
    return os.environ.get(REDIS_VARIABLE, "").strip()


class BoundedRedisManager(AsyncRedisManager):  # type: ignore[misc]
    """AsyncRedisManager whose publishing gives up after a second: redis-py's
    asyncio client has no timeout on a Redis that accepts and never answers."""

    async def _publish(self, data: Any) -> Any:
        try:
            return await asyncio.wait_for(
                super()._publish(data), PUBLISH_TIMEOUT_SECONDS
            )
        except asyncio.TimeoutError:
            logger.warning(
                "socket.io: Redis did not take an emit within %.0f s; "
                "delivered on this replica only",
                PUBLISH_TIMEOUT_SECONDS,
            )
            self.connected = False  # reconnect on the next emit
            return None


def share_rooms(sio: AsyncServer, url: str) -> None:
    """Give ``sio`` the Redis manager. Rasa builds its AsyncServer itself, so
    the manager is swapped in before the first connection initialises it."""
    manager = BoundedRedisManager(
        checked(url, REDIS_VARIABLE),
        channel=CHANNEL,
        redis_options={"socket_connect_timeout": PUBLISH_TIMEOUT_SECONDS},
    )
    sio.manager = manager
    manager.set_server(sio)
    sio.manager_initialized = False
