"""Which address a request comes from (clinic/client_address.py)."""

from __future__ import annotations

import pytest

from clinic.client_address import client_address, trusted_proxies

PROXY = frozenset({"10.0.0.2"})


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("10.0.0.2", "203.0.113.5", "203.0.113.5"),
        ("10.0.0.2", "192.0.2.1, 203.0.113.5", "203.0.113.5"),
        ("10.0.0.2", " , ", "10.0.0.2"),
        ("10.0.0.2", None, "10.0.0.2"),
        ("198.51.100.9", "203.0.113.5", "198.51.100.9"),
        (None, "203.0.113.5", ""),
        ("10.0.0.2", "x" * 500, "x" * 64),
    ],
    ids=[
        "proxy",
        "last-hop-only",
        "empty-header",
        "no-header",
        "untrusted-peer-header-ignored",
        "no-peer",
        "cut",
    ],
)
def test_the_address(peer: str | None, forwarded: str | None, expected: str) -> None:
    assert client_address(peer, forwarded, PROXY) == expected


def test_proxies_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_PROXIES", " 10.0.0.2, ,::1 ")
    assert trusted_proxies("SOME_PROXIES") == {"10.0.0.2", "::1"}
    monkeypatch.delenv("SOME_PROXIES")
    assert trusted_proxies("SOME_PROXIES") == frozenset()
