"""The per-conversation rate limit's counting (through the server:
tests/integration/test_rate_limit.py)."""

from __future__ import annotations

from clinic.channels.rate_limit import MAX_TRACKED, WINDOW_SECONDS, RateLimiter


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
