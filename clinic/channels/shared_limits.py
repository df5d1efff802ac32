"""Rate limits counted in Redis, shared by every process (issue 24).

Counted in one process's memory, a limit of 30 messages a minute becomes 60
behind two Rasa replicas, and a restart forgets it. With RATE_LIMIT_REDIS_URL
set (for example ``redis://127.0.0.1:6379/0``), each limit keeps a sorted set of
the last minute's times per key in Redis, updated by one Lua script so that two
processes cannot both take the last place, on Redis's own clock so that the
machines' clocks do not matter. Keys are hashed: a conversation id is the
visitor's to choose, and its length must not decide what Redis holds.

When Redis does not answer, the limits fail open to counting in this process
(clinic/channels/local_limits.py) for RETRY_AFTER_SECONDS and then try Redis again:
visitors are still answered and still limited per process, and the event loop
waits at most one short timeout per retry, not one per message or per limit.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import redis

from clinic.channels.local_limits import WINDOW_SECONDS, RateLimiter

logger = logging.getLogger(__name__)

REDIS_VARIABLE = "RATE_LIMIT_REDIS_URL"
KEY_PREFIX = "clinic:rate"
TIMEOUT_SECONDS = 0.25
RETRY_AFTER_SECONDS = 5.0

# KEYS[1]: the key's set. ARGV: limit, window in ms, a unique member.
# Returns 1 when allowed (and counted), 0 when over the limit.
SLIDING_WINDOW = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms - window)
local allowed = 0
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now_ms, ARGV[3])
  allowed = 1
end
redis.call('PEXPIRE', KEYS[1], window)
return allowed
"""


def redis_url() -> str:
    return os.environ.get(REDIS_VARIABLE, "").strip()


@dataclass
class RedisLink:
    """One client and one view of Redis's health for every limit on a URL: a
    hung Redis costs the process one timeout per RETRY_AFTER_SECONDS, not one
    per limit. Calls are synchronous, on the event loop: a round trip to a
    Redis nearby is a fraction of a millisecond, and TIMEOUT_SECONDS bounds a
    slow one."""

    url: str
    down_until: float = 0.0
    _script: Any = None

    def script(self) -> Any:
        if self._script is None:
            client = redis.Redis.from_url(
                self.url,
                socket_timeout=TIMEOUT_SECONDS,
                socket_connect_timeout=TIMEOUT_SECONDS,
            )
            self._script = client.register_script(SLIDING_WINDOW)
        return self._script


_links: dict[str, RedisLink] = {}
_links_lock = threading.Lock()


def link_to(url: str) -> RedisLink:
    with _links_lock:
        return _links.setdefault(url, RedisLink(url))


@dataclass
class SharedRateLimiter:
    """RateLimiter's ``allow``, counted in Redis under ``name``."""

    name: str
    per_minute: int
    url: str
    fallback: RateLimiter = field(init=False)
    link: RedisLink = field(init=False)

    def __post_init__(self) -> None:
        self.fallback = RateLimiter(self.per_minute)
        self.link = link_to(self.url)

    def allow(self, key: str, now: float | None = None) -> bool:
        if self.per_minute <= 0:
            return True
        if time.monotonic() < self.link.down_until:
            return self.fallback.allow(key, now)
        try:
            return self._allow_in_redis(key)
        except redis.RedisError as error:
            logger.warning(
                "rate limit %s: Redis unavailable (%s); counting in this process "
                "for %.0f s",
                self.name,
                type(error).__name__,
                RETRY_AFTER_SECONDS,
            )
            self.link.down_until = time.monotonic() + RETRY_AFTER_SECONDS
            return self.fallback.allow(key, now)

    def _allow_in_redis(self, key: str) -> bool:
        hashed = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        allowed = self.link.script()(
            keys=[f"{KEY_PREFIX}:{self.name}:{hashed}"],
            args=[self.per_minute, int(WINDOW_SECONDS * 1000), uuid.uuid4().hex],
        )
        return bool(allowed)


class RedisUrlError(ValueError):
    """A Redis URL variable is set to something that is not a Redis URL."""


def checked(url: str, variable: str = REDIS_VARIABLE) -> str:
    """The URL, once redis-py can read it: a typo is refused when the server
    starts, not found by every message afterwards. The error names the
    variable and redis-py's reason, never the URL (it may hold a password)."""
    try:
        redis.connection.parse_url(url)
    except ValueError as error:
        raise RedisUrlError(
            f"{variable} is not a Redis URL ({error}); expected "
            "redis://host:port/db, rediss://host:port/db or unix:///path"
        ) from None
    return url


def limiter(name: str, per_minute: int) -> RateLimiter | SharedRateLimiter:
    """Shared through Redis when RATE_LIMIT_REDIS_URL is set, else this process's."""
    url = redis_url()
    if url and per_minute > 0:
        return SharedRateLimiter(name, per_minute, checked(url))
    return RateLimiter(per_minute)
