"""How fast one conversation may send messages (issue 24, item 6).

A flood from one conversation (a script, a stuck client) would take the
server's time from every other visitor and, with crisis words in it, alert
staff again and again. Each conversation may send ``per_minute`` messages in
any 60 seconds (RATE_LIMIT_PER_MINUTE, 0 turns it off, as the benchmarks do);
beyond that the channel answers at once without reading the message: REST with
429, socket.io with a bot message. That answer always carries the region's
crisis line and emergency number, so a visitor in crisis who is being limited
still gets crisis resources.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from clinic.settings import current_settings

LIMIT_VARIABLE = "RATE_LIMIT_PER_MINUTE"
DEFAULT_PER_MINUTE = 30
WINDOW_SECONDS = 60.0
# Conversations remembered at once; the least recently seen are forgotten first.
MAX_TRACKED = 20_000
LIMITED_EVENT = "rate_limited"


def limited_text() -> str:
    crisis = current_settings().crisis
    return (
        "You're sending messages faster than I can answer, so I didn't read "
        "that one. Please wait a minute and try again. If you are in danger or "
        f"thinking of harming yourself, {crisis.short}, or call "
        f"{crisis.emergency} now."
    )


@dataclass
class RateLimiter:
    per_minute: int = DEFAULT_PER_MINUTE
    _seen: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_environment(cls) -> RateLimiter:
        value = os.environ.get(LIMIT_VARIABLE, "").strip()
        return cls(per_minute=int(value) if value else DEFAULT_PER_MINUTE)

    def allow(self, key: str, now: float | None = None) -> bool:
        """Counts the message; False once ``key`` is over its limit."""
        if self.per_minute <= 0:
            return True
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._seen.pop(key, None) or deque()
            while times and times[0] <= now - WINDOW_SECONDS:
                times.popleft()
            allowed = len(times) < self.per_minute
            if allowed:
                times.append(now)
            self._seen[key] = times  # now the most recently seen
            while len(self._seen) > MAX_TRACKED:
                self._seen.popitem(last=False)
            return allowed
