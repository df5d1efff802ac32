"""The rate limits' counting (through the server: tests/integration/
test_rate_limit.py and test_address_limits.py)."""

from __future__ import annotations

import pytest

from clinic.channels.local_limits import MAX_TRACKED, WINDOW_SECONDS, RateLimiter
from clinic.channels.rate_limit import ChannelLimits


def test_a_conversation_gets_its_rate_back_as_the_minute_moves_on() -> None:
    limiter = RateLimiter(per_minute=3)
    assert [limiter.allow("a", now=t) for t in (0, 1, 2, 3)] == [
        True,
        True,
        True,
        False,
    ]
    assert limiter.allow("b", now=3), "each conversation has its own"
    assert limiter.allow("a", now=WINDOW_SECONDS + 0.5)


def test_zero_turns_it_off() -> None:
    limiter = RateLimiter(per_minute=0)
    assert all(limiter.allow("a", now=0) for _ in range(1000))


def test_memory_is_bounded() -> None:
    limiter = RateLimiter(per_minute=1)
    for n in range(MAX_TRACKED + 100):
        limiter.allow(f"c{n}", now=0)
    assert len(limiter._seen) == MAX_TRACKED


def test_every_limit_is_off_when_the_switch_is_zero(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "0")
    monkeypatch.setenv("RATE_LIMIT_PER_ADDRESS_PER_MINUTE", "1")
    limits = ChannelLimits.from_environment()
    assert all(limits.message_allowed("c", "203.0.113.5") for _ in range(100))
    assert all(limits.connect_allowed("203.0.113.5") for _ in range(100))
    assert all(limits.rating_allowed("c") for _ in range(100))


def test_exempt_addresses_are_limited_per_conversation_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RATE_LIMIT_PER_ADDRESS_PER_MINUTE", "2")
    monkeypatch.setenv("RATE_LIMIT_EXEMPT", "127.0.0.1")
    limits = ChannelLimits.from_environment()
    assert all(limits.message_allowed(f"c{n}", "127.0.0.1") for n in range(10))
    assert [limits.message_allowed(f"d{n}", "203.0.113.5") for n in range(3)] == [
        True,
        True,
        False,
    ]
