"""A rate limit counted in this process's memory: the embedded default, and
the fallback of the shared limits while Redis is unreachable
(clinic/channels/shared_limits.py)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field

WINDOW_SECONDS = 60.0
# Conversations remembered at once; the least recently seen are forgotten first.
MAX_TRACKED = 20_000


@dataclass
class RateLimiter:
    per_minute: int
    _seen: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

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
