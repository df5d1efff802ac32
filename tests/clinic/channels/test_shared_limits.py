"""Rate limits counted in the real Redis (clinic/channels/shared_limits.py):
one count for every process, kept across a restart, and counting in the
process, without waiting on Redis for each message, while Redis is away."""

from __future__ import annotations

import time
import uuid

import pytest
import redis

from clinic.channels.local_limits import RateLimiter
from clinic.channels.shared_limits import (
    KEY_PREFIX,
    TIMEOUT_SECONDS,
    RedisUrlError,
    SharedRateLimiter,
    limiter,
)
from harness.servers import free_port
from harness.services import redis_url


@pytest.fixture
def url() -> str:
    return redis_url()


@pytest.fixture
def name() -> str:
    """A limit of its own for each test: nothing left over from another run."""
    return f"test-{uuid.uuid4().hex[:8]}"


def test_two_processes_share_one_count(url: str, name: str) -> None:
    replica_a = SharedRateLimiter(name, 3, url)
    replica_b = SharedRateLimiter(name, 3, url)
    assert [replica_a.allow("visitor"), replica_b.allow("visitor")] == [True, True]
    assert replica_a.allow("visitor")
    assert not replica_b.allow("visitor"), "the fourth message, on either replica"
    assert replica_b.allow("someone-else"), "each conversation has its own count"


def test_a_restart_does_not_forget_a_flood(url: str, name: str) -> None:
    before = SharedRateLimiter(name, 2, url)
    assert before.allow("flood") and before.allow("flood")
    after_restart = SharedRateLimiter(name, 2, url)
    assert not after_restart.allow("flood")


def test_keys_are_hashed_and_expire_with_the_window(url: str, name: str) -> None:
    SharedRateLimiter(name, 5, url).allow("x" * 100_000)
    client = redis.Redis.from_url(url)
    [key] = client.keys(f"{KEY_PREFIX}:{name}:*")
    assert len(key) < 100, "a long conversation id is not stored as such"
    assert 0 < client.pttl(key) <= 60_000
    client.close()


def test_without_a_url_or_a_limit_it_counts_in_the_process(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.delenv("RATE_LIMIT_REDIS_URL", raising=False)
    assert isinstance(limiter("RATE_LIMIT_PER_MINUTE", 30), RateLimiter)
    monkeypatch.setenv("RATE_LIMIT_REDIS_URL", url)
    assert isinstance(limiter("RATE_LIMIT_PER_MINUTE", 30), SharedRateLimiter)
    assert isinstance(limiter("RATE_LIMIT_PER_MINUTE", 0), RateLimiter)


@pytest.mark.parametrize(
    "typo", ["127.0.0.1:6379", "http://127.0.0.1:6379/0", "redis://:secret@h:port/0"]
)
def test_a_url_redis_cannot_read_is_refused_at_start_without_its_password(
    monkeypatch: pytest.MonkeyPatch, typo: str
) -> None:
    monkeypatch.setenv("RATE_LIMIT_REDIS_URL", typo)
    with pytest.raises(RedisUrlError, match="RATE_LIMIT_REDIS_URL") as refused:
        limiter("RATE_LIMIT_PER_MINUTE", 30)
    assert "secret" not in str(refused.value)


def test_a_hung_redis_costs_one_timeout_not_one_per_message(
    silent_redis: str, name: str
) -> None:
    limit = SharedRateLimiter(name, 30, silent_redis)
    started = time.monotonic()
    answers = [limit.allow("visitor") for _ in range(40)]
    # Forty round trips to a hung Redis would take 40 timeouts.
    assert time.monotonic() - started < 10 * TIMEOUT_SECONDS
    assert answers == [True] * 30 + [False] * 10, "still limited, in the process"


def test_redis_gone_fails_open_to_the_process_count(name: str) -> None:
    port = free_port()  # nobody listens on it
    limit = SharedRateLimiter(name, 2, f"redis://127.0.0.1:{port}/0")
    assert [limit.allow("v"), limit.allow("v"), limit.allow("v")] == [
        True,
        True,
        False,
    ]
