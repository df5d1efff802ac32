"""Secrets from requests are compared as bytes, whatever they hold."""

from __future__ import annotations

import pytest

from clinic.secret_match import secret_matches


def test_only_the_same_secret_matches() -> None:
    assert secret_matches("s3cret-token", "s3cret-token")
    assert not secret_matches("s3cret-tokex", "s3cret-token")
    assert not secret_matches("s3cret-token ", "s3cret-token")


@pytest.mark.parametrize(
    "provided",
    [None, "", 42, b"s3cret", ["s3cret"], "é", "\udce9", "\x00", "🙂" * 100],
    ids=[
        "none",
        "empty",
        "int",
        "bytes",
        "list",
        "accent",
        "surrogate",
        "nul",
        "emoji",
    ],
)
def test_anything_else_is_refused_without_raising(provided: object) -> None:
    assert not secret_matches(provided, "s3cret")


def test_an_empty_expected_secret_matches_nothing() -> None:
    assert not secret_matches("", "")
