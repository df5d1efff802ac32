"""A session that grows past its limit starts again, so each message's work
stays bounded (clinic/rasa_patches/session_length.py), through the real
servers; the limit is lowered to 40 events for the test (2,000 shipped)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.conversation import BOOKING_TURNS, Visitor, booking_requests_of
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


def visitor_events(visitor: Visitor) -> list[dict]:
    return visitor.assistant.tracker(visitor.sender)["events"]


def sessions_started(events: list[dict]) -> int:
    return sum(event["event"] == "session_started" for event in events)


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


def test_a_booking_that_crosses_the_limit_is_not_dropped(assistant: Assistant) -> None:
    """A new session would reset the form: while one is active the session may
    run further (MAX_FORM_EXTRA_EVENTS), so a visitor near the limit still
    finishes booking."""
    visitor = Visitor(assistant)
    while events_since_the_session_start(visitor_events(visitor)) < LIMIT - 12:
        assert visitor.say("how much does it cost").messages
    asked: list[str] = []
    for said in BOOKING_TURNS[1:]:
        reply = visitor.say(said)
        assert reply.messages, f"no answer to {said!r}"
        asked += [name for name in reply.responses if name.startswith("utter_ask_")]
    events = visitor_events(visitor)
    assert events_since_the_session_start(events) > LIMIT  # the form crossed it
    assert len(asked) == len(set(asked)), asked  # nothing asked twice
    [request] = booking_requests_of(assistant.database_url, visitor)
    assert request["contact"] == "alex@example.org"
    starts = sessions_started(events)
    for _ in range(3):  # with the form over, the limit holds again
        visitor.say("how much does it cost")
    assert sessions_started(visitor_events(visitor)) > starts
