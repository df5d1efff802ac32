"""One conversation's messages handled one at a time across Rasa replicas.

Rasa 3.6's own RedisLockStore reads a conversation's ticket lock, adds a ticket
and writes it back in separate commands: two replicas receiving the first two
messages of a conversation at the same moment both find no lock, both take
ticket 0, and both start the conversation (tests/integration/test_replicas.py
caught it in about one run in three; rasa PR #11256 describes the race). This
store takes redis-py's lock instead: one ``SET NX PX`` with a token to acquire,
a Lua script to release only its own, expiring after Rasa's lock lifetime.

Redis unreachable: the message is handled without the lock (fail open) and a
warning is logged. A visitor, a visitor in crisis above all, must be answered;
without the lock, two messages of one conversation on two replicas at once may
each be handled without the other's, which the sticky load balancer makes rare.
Unlike Rasa's ticket lock, waiting messages are not served in arrival order
(one visitor's messages rarely overlap: the widget sends one at a time). Like
Rasa's, the lock lapses after the lock lifetime (60 s) even while a message is
still being handled, for example behind a slow action server.

    lock_store:
      type: clinic.cluster.lock_store.RedisConversationLockStore
      url: redis://127.0.0.1:6379/1
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

import redis
import redis.asyncio
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

KEY_PREFIX = "clinic:lock:"
SOCKET_TIMEOUT_SECONDS = 1.0
POLL_SECONDS = 0.05


class RedisConversationLockStore(LockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        self.url = endpoint_config.url
        self._client: Any = None  # made in the server's event loop, on first use

    def _redis(self) -> Any:
        if self._client is None:
            self._client = redis.asyncio.Redis.from_url(
                self.url,
                socket_timeout=SOCKET_TIMEOUT_SECONDS,
                socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
            )
        return self._client

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = POLL_SECONDS,
    ) -> AsyncGenerator[TicketLock, None]:
        held = self._redis().lock(
            KEY_PREFIX + conversation_id,
            timeout=lock_lifetime,
            sleep=POLL_SECONDS,  # Rasa passes no wait; its own default is 1 s
            blocking_timeout=lock_lifetime,
        )
        token = uuid.uuid4().hex.encode()
        try:
            acquired = await held.acquire(token=token)
        except redis.RedisError as error:
            logger.warning(
                "lock store: Redis unavailable (%s); handling the message without "
                "the conversation's lock",
                type(error).__name__,
            )
            # The SET may have landed with its reply lost: free it if so, or
            # the conversation would wait a lifetime for a lock nobody holds.
            held.local.token = token
            await self._release(held)
            acquired = None
        if acquired is False:
            raise LockError(f"conversation lock not acquired in {lock_lifetime} s")
        try:
            yield TicketLock(conversation_id)
        finally:
            if acquired:
                await self._release(held)

    @staticmethod
    async def _release(held: Any) -> None:
        try:
            await held.release()
        except redis.RedisError as error:  # LockError among them
            # Expired (held past its lifetime) or Redis gone: it frees itself.
            logger.warning("lock store: lock not released (%s)", type(error).__name__)
