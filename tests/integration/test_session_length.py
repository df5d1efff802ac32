"""A session that grows past its limit starts again, so each message's work
stays bounded (clinic/rasa_patches/session_length.py), through the real
servers; the limit is lowered to 40 events for the test (2,000 shipped)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.servers import Assistant, assistant_on_its_own_database

LIMIT = 40


@pytest.fixture(scope="module")
def assistant(
    model_path: Path, server_logs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Assistant]:
    with assistant_on_its_own_database(
        model_path,
        server_logs,
        tmp_path_factory.mktemp("sessions"),
        MAX_SESSION_EVENTS=str(LIMIT),
        RATE_LIMIT_PER_MINUTE="0",
    ) as running:
        yield running


def events_since_the_session_start(events: list[dict]) -> int:
    starts = [
        n for n, event in enumerate(events) if event["event"] == "session_started"
    ]
    return len(events) - starts[-1]


def test_a_conversation_that_never_pauses_gets_new_sessions(
    assistant: Assistant,
) -> None:
    sender = "never-pauses"
    sizes = []
    for _ in range(30):
        assert assistant.send(sender, "how much does it cost")  # always answered
        sizes.append(
            events_since_the_session_start(assistant.tracker(sender)["events"])
        )
    assert max(sizes) <= LIMIT + 10  # one message's events past the limit
    assert sizes.index(max(sizes)) < len(sizes) - 1  # and it started again
