"""The socket.io channel's configuration (origins, session ids), without a server.
Through the real server: tests/integration/test_socketio_channel.py."""

from __future__ import annotations

import re

import pytest
from rasa.core.channels.socketio import SocketIOInput

from clinic.channels.conversation_ids import issue_conversation_id, was_issued
from clinic.channels.socketio import (
    ClinicSocketIOInput,
    configured_origins,
    feedback_from,
    normalise_origin,
    parse_origins,
    session_id_from,
)


def test_it_keeps_rasas_channel_name_for_output_channel_lookups() -> None:
    assert ClinicSocketIOInput.name() == SocketIOInput.name() == "socketio"


@pytest.mark.parametrize(
    ("given", "origin"),
    [
        ("https://www.Clinic.example/", "https://www.clinic.example"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        (" https://clinic.example:8443 ", "https://clinic.example:8443"),
    ],
)
def test_origins_are_written_as_browsers_send_them(given: str, origin: str) -> None:
    assert normalise_origin(given) == origin


@pytest.mark.parametrize(
    "bad", ["*", "clinic.example", "ftp://clinic.example", "https://c.example/chat"]
)
def test_anything_but_an_origin_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        normalise_origin(bad)


def test_origins_can_be_a_list_or_a_comma_separated_string() -> None:
    expected = ["https://a.example", "https://b.example"]
    assert parse_origins("https://a.example, https://b.example") == expected
    assert parse_origins(["https://a.example", "https://b.example"]) == expected
    with pytest.raises(ValueError):
        parse_origins(" , ")


def test_credentials_come_before_the_environment_before_the_demo_site(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WIDGET_ORIGINS", raising=False)
    monkeypatch.setenv("SITE_PORT", "8181")
    assert configured_origins({}) == ["http://127.0.0.1:8181", "http://localhost:8181"]
    monkeypatch.setenv("WIDGET_ORIGINS", "https://env.example")
    assert configured_origins({}) == ["https://env.example"]
    credentials = {"allowed_origins": ["https://file.example"]}
    assert configured_origins(credentials) == ["https://file.example"]


def test_from_credentials_keeps_rasas_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIDGET_ORIGINS", "https://clinic.example")
    channel = ClinicSocketIOInput.from_credentials(
        {"session_persistence": True, "bot_message_evt": "bot_uttered"}
    )
    assert isinstance(channel, ClinicSocketIOInput)
    assert channel.session_persistence is True
    assert channel.allowed_origins == ["https://clinic.example"]
    assert channel.origin_allowed({"HTTP_ORIGIN": "https://clinic.example"})
    assert not channel.origin_allowed({"HTTP_ORIGIN": "https://other.example"})
    assert channel.origin_allowed({}), "no Origin: not a browser on another site"


@pytest.mark.parametrize(
    "data",
    [
        {"session_id": "0f3a9c"},  # a visitor's own choice: not issued here
        {"session_id": "0123456789abcdef0123456789abcdef-" + "A" * 24},  # forged
        {"session_id": "a" * 129},
        {"session_id": "../x"},
        {"session_id": 7},
        {},
        None,
        "text",
    ],
)
def test_an_id_the_server_did_not_issue_gets_a_new_conversation(data: object) -> None:
    session_id = session_id_from(data)
    assert was_issued(session_id)
    assert not isinstance(data, dict) or session_id != data.get("session_id")


def test_an_issued_id_is_kept() -> None:
    issued = issue_conversation_id()
    assert session_id_from({"session_id": issued}) == issued
    assert re.fullmatch(r"[0-9a-f]{32}-[A-Za-z0-9_-]{24}", issued)


def test_a_signature_under_another_secret_is_refused() -> None:
    elsewhere = issue_conversation_id(b"another clinic's secret")
    assert was_issued(elsewhere, b"another clinic's secret")
    assert not was_issued(elsewhere)


def test_well_formed_answer_feedback_is_read_and_trimmed() -> None:
    data = {"session_id": "abc-1", "rating": "down", "text": " It costs $450. "}
    assert feedback_from(data) == ("abc-1", "down", "It costs $450.")


@pytest.mark.parametrize(
    "data",
    [
        None,
        "down",
        {"session_id": "abc", "rating": "meh", "text": "An answer"},
        {"session_id": "a b", "rating": "down", "text": "An answer"},
        {"session_id": "abc", "rating": "down", "text": " "},
        {"session_id": "abc", "rating": "down", "text": 42},
        {"session_id": "abc", "rating": "up", "text": "x" * 2001},
    ],
)
def test_malformed_answer_feedback_is_refused(data: object) -> None:
    assert feedback_from(data) is None
