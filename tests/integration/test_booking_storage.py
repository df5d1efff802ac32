"""Where bookings are stored, through the real servers: PostgreSQL, and a database
that becomes unreachable in the middle of a conversation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from harness.conversation import Visitor, booking_requests_of
from harness.servers import (
    Assistant,
    action_server,
    base_environment,
    migrate,
    rasa_server,
)
from harness.services import fresh_postgres_database
from harness.tcp_proxy import TcpProxy, tcp_proxy

REFERENCE = re.compile(r"\bBK-[A-Z0-9]{6}\b")


def fill_in_the_form(visitor: Visitor) -> None:
    visitor.say("i'd like to book a consultation")
    for answer in ("Alex", "alex@example.org", "weekends", "afternoon", "skip", "yes"):
        visitor.say(answer)
    assert visitor.responses_since_last_message() == ["utter_ask_booking_confirmed"]


@pytest.fixture(scope="module")
def postgres_assistant(model_path: Path, server_logs: Path) -> Iterator[Assistant]:
    """The assistant with everything (conversations, bookings) in PostgreSQL."""
    with fresh_postgres_database() as url:
        migrate(url)
        env = base_environment(url)
        with (
            action_server(env, server_logs) as action_url,
            rasa_server(model_path, env, server_logs, action_url) as running,
        ):
            yield running


def test_a_booking_lands_in_postgresql(postgres_assistant: Assistant) -> None:
    visitor = Visitor(postgres_assistant)
    fill_in_the_form(visitor)
    [reference] = REFERENCE.findall(visitor.say("yes").text)
    [row] = booking_requests_of(postgres_assistant.database_url, visitor)
    assert row["reference"] == reference
    assert (row["contact"], row["preferred_days"]) == ("alex@example.org", "Weekends")


@pytest.fixture(scope="module")
def unreliable_database(
    model_path: Path,
    server_logs: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Assistant, TcpProxy, str]]:
    """Bookings go to PostgreSQL through a proxy the test can cut; conversations
    stay in SQLite so the assistant itself keeps working."""
    with fresh_postgres_database() as url:
        migrate(url)
        address = urlsplit(url)
        with tcp_proxy(address.hostname or "127.0.0.1", address.port or 5432) as proxy:
            proxied = url.replace(
                f"{address.hostname}:{address.port}", f"127.0.0.1:{proxy.port}"
            )
            conversations = f"sqlite:///{tmp_path_factory.mktemp('conv') / 'c.db'}"
            migrate(conversations)
            with (
                action_server(base_environment(proxied), server_logs) as action_url,
                rasa_server(
                    model_path, base_environment(conversations), server_logs, action_url
                ) as running,
            ):
                yield running, proxy, url


def test_an_unreachable_database_gets_an_honest_reply_and_no_claim(
    unreliable_database: tuple[Assistant, TcpProxy, str],
) -> None:
    assistant, proxy, url = unreliable_database
    visitor = Visitor(assistant)
    fill_in_the_form(visitor)
    proxy.cut()
    reply = visitor.say("yes")
    assert reply.responses == ["utter_booking_not_saved"]
    assert "could not be saved" in reply.text and "(555) 010-0142" in reply.text
    assert not REFERENCE.search(reply.text), "no reference for an unsaved request"
    assert "/human_handoff" in reply.payloads
    assert booking_requests_of(url, visitor) == [], "nothing stored, nothing claimed"

    proxy.start()  # the database is back
    retry = visitor.say("/book_appointment")
    [reference] = REFERENCE.findall(retry.text)
    [row] = booking_requests_of(url, visitor)
    assert row["reference"] == reference and row["contact"] == "alex@example.org"
