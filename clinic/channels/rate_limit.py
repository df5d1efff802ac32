"""How fast visitors may send messages, connect and rate answers (issue 24).

A flood (a script, a stuck client) would take the server's time from every
other visitor and, with crisis words in it, alert staff again and again. Each
conversation may send RATE_LIMIT_PER_MINUTE messages in any 60 seconds (30),
and one address RATE_LIMIT_PER_ADDRESS_PER_MINUTE (120: a clinic's waiting
room or a family shares one address), whatever conversations it opens; one
address may open SOCKET_CONNECTS_PER_ADDRESS_PER_MINUTE socket.io connections
(30) and a conversation may rate RATINGS_PER_MINUTE answers (30); the demo
site serves one address SITE_REQUESTS_PER_ADDRESS_PER_MINUTE requests (300).
RATE_LIMIT_PER_MINUTE=0 turns every limit off, as the benchmarks do. Counted in
this process by default; with RATE_LIMIT_REDIS_URL, in Redis, shared by every
process and kept across restarts (clinic/channels/shared_limits.py).

Beyond a limit the channel answers at once without reading the message: REST
with 429, socket.io with a bot message. That answer always carries the region's
crisis line and emergency number, so a visitor in crisis who is being limited
still gets crisis resources.

The address is the peer's, or the last hop of X-Forwarded-For from a proxy in
TRUSTED_PROXIES (clinic/client_address.py). Addresses in RATE_LIMIT_EXEMPT
(127.0.0.1 and ::1 by default) have no limit per address: on one machine every
visitor arrives from there through a proxy nobody named, and there the limit
per conversation still holds.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from clinic.channels.local_limits import RateLimiter
from clinic.channels.shared_limits import SharedRateLimiter, limiter
from clinic.client_address import LOOPBACK, client_address, trusted_proxies
from clinic.settings import current_settings

LIMIT_VARIABLE = "RATE_LIMIT_PER_MINUTE"
DEFAULT_PER_MINUTE = 30
ADDRESS_VARIABLE = "RATE_LIMIT_PER_ADDRESS_PER_MINUTE"
DEFAULT_PER_ADDRESS = 120
CONNECTS_VARIABLE = "SOCKET_CONNECTS_PER_ADDRESS_PER_MINUTE"
DEFAULT_CONNECTS = 30
RATINGS_VARIABLE = "RATINGS_PER_MINUTE"
DEFAULT_RATINGS = 30
SITE_VARIABLE = "SITE_REQUESTS_PER_ADDRESS_PER_MINUTE"
DEFAULT_SITE_REQUESTS = 300  # a page load is a handful of requests
EXEMPT_VARIABLE = "RATE_LIMIT_EXEMPT"
DEFAULT_EXEMPT = ",".join(sorted(LOOPBACK))
PROXIES_VARIABLE = "TRUSTED_PROXIES"
LIMITED_EVENT = "rate_limited"


MESSAGES_LIMITED = (
    "You're sending messages faster than I can answer, so I didn't read that one. "
    "Please wait a minute and try again."
)
CONNECTS_LIMITED = (
    "Too many chats have been opened from your network in the last minute. The "
    "chat will try again in a minute."
)
REQUESTS_LIMITED = (
    "Too many requests have come from your network in the last minute. Please "
    "wait a minute and reload the page."
)


def limited_text(why: str = MESSAGES_LIMITED) -> str:
    """`why`, then the region's crisis line and emergency number, always."""
    crisis = current_settings().crisis
    return (
        f"{why} If you are in danger or thinking of harming yourself, "
        f"{crisis.short}, or call {crisis.emergency} now."
    )


def per_minute_from(variable: str, default: int) -> int:
    """The variable's limit; every limit is off when RATE_LIMIT_PER_MINUTE is 0."""
    if os.environ.get(LIMIT_VARIABLE, "").strip() == "0":
        return 0
    value = os.environ.get(variable, "").strip()
    return int(value) if value else default


@dataclass
class AddressLimit:
    """A limit per client address (clinic/client_address.py)."""

    limiter: RateLimiter | SharedRateLimiter
    exempt: frozenset[str] = frozenset()
    proxies: frozenset[str] = frozenset()

    @classmethod
    def from_environment(cls, variable: str, default: int) -> AddressLimit:
        exempt = os.environ.get(EXEMPT_VARIABLE, DEFAULT_EXEMPT).split(",")
        return cls(
            limiter=limiter(variable, per_minute_from(variable, default)),
            exempt=frozenset(address.strip() for address in exempt if address.strip()),
            proxies=trusted_proxies(PROXIES_VARIABLE),
        )

    def address_of(self, peer: str | None, headers: Mapping[str, str]) -> str:
        return client_address(peer, headers.get("X-Forwarded-For"), self.proxies)

    def allow(self, address: str) -> bool:
        return address in self.exempt or self.limiter.allow(address)


@dataclass
class ChannelLimits:
    """Every limit of a chat channel, each counted on its own."""

    per_conversation: RateLimiter | SharedRateLimiter
    per_address: AddressLimit
    connects: AddressLimit
    ratings: RateLimiter | SharedRateLimiter

    @classmethod
    def from_environment(cls) -> ChannelLimits:
        return cls(
            per_conversation=limiter(
                LIMIT_VARIABLE, per_minute_from(LIMIT_VARIABLE, DEFAULT_PER_MINUTE)
            ),
            per_address=AddressLimit.from_environment(
                ADDRESS_VARIABLE, DEFAULT_PER_ADDRESS
            ),
            connects=AddressLimit.from_environment(CONNECTS_VARIABLE, DEFAULT_CONNECTS),
            ratings=limiter(
                RATINGS_VARIABLE, per_minute_from(RATINGS_VARIABLE, DEFAULT_RATINGS)
            ),
        )

    def address_of(self, peer: str | None, headers: Mapping[str, str]) -> str:
        return self.per_address.address_of(peer, headers)

    def message_allowed(self, conversation: str, address: str) -> bool:
        return self.per_conversation.allow(conversation) and self.per_address.allow(
            address
        )

    def connect_allowed(self, address: str) -> bool:
        return self.connects.allow(address)

    def rating_allowed(self, conversation: str) -> bool:
        return self.ratings.allow(conversation)
