"""Which address a request comes from, for limits per address.

The peer, or the last hop of ``X-Forwarded-For`` when the peer is a proxy the
configuration trusts: anyone else could write that header, and a proxy appends
the address it saw, so only the last hop is the proxy's word. One rule for the
console (CONSOLE_TRUSTED_PROXIES) and the Rasa server's channels
(TRUSTED_PROXIES).
"""

from __future__ import annotations

import os

# This machine: a peer here is a local script, or a proxy nobody named.
LOOPBACK = frozenset({"127.0.0.1", "::1"})


def trusted_proxies(variable: str) -> frozenset[str]:
    """The comma-separated addresses in environment variable `variable`."""
    listed = os.environ.get(variable, "").split(",")
    return frozenset(proxy.strip() for proxy in listed if proxy.strip())


def client_address(
    peer: str | None, forwarded_for: str | None, proxies: frozenset[str]
) -> str:
    peer = peer or ""
    if peer in proxies:
        hops = [hop.strip() for hop in (forwarded_for or "").split(",")]
        hops = [hop for hop in hops if hop]
        if hops:
            return hops[-1][:64]
    return peer
