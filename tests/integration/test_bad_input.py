"""Whatever a visitor sends, the server answers politely: never a 500 or a traceback."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.support.servers import Assistant

BAD_INPUTS = {
    "empty": "",
    "whitespace": "   \n\t  ",
    "fifty_thousand_characters": "ketamine " * 5555 + "price?",
    "emoji_only": "😀😀🙏💊",
    "control_characters": "\x00\x01\x1b[2J\x7f",
    "html_script": "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "spanish": "hola, cuánto cuesta el tratamiento con ketamina?",
    "chinese": "氯胺酮治疗抑郁症有效吗",
    "binary_junk": bytes(range(256)).decode("latin-1"),
    "sql_injection": "'; DROP TABLE events; --",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gets_a_polite_reply(assistant: Assistant, name: str) -> None:
    response = requests.post(
        f"{assistant.url}/webhooks/rest/webhook",
        json={
            "sender": f"bad-{name}-{uuid.uuid4().hex[:6]}",
            "message": BAD_INPUTS[name],
        },
        timeout=60,
    )
    assert response.status_code == 200
    replies = response.json()
    assert replies, f"{name}: no reply at all"
    text = " ".join(reply.get("text", "") for reply in replies)
    assert text.strip()
    assert "Traceback" not in text and "Exception" not in text


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_parses_without_error(assistant: Assistant, name: str) -> None:
    parse = assistant.parse(BAD_INPUTS[name])
    assert "intent" in parse


def test_another_language_is_told_the_assistant_speaks_english(
    assistant: Assistant,
) -> None:
    replies = assistant.send("bad-lang", BAD_INPUTS["spanish"])
    assert "English" in " ".join(reply.get("text", "") for reply in replies)


def test_markup_is_never_echoed_back(assistant: Assistant) -> None:
    replies = assistant.send("bad-html", BAD_INPUTS["html_script"])
    assert "<script>" not in " ".join(reply.get("text", "") for reply in replies)


def test_malformed_request_body_is_a_client_error(assistant: Assistant) -> None:
    response = requests.post(
        f"{assistant.url}/webhooks/rest/webhook", data=b"\xff\xfe not json", timeout=30
    )
    assert 400 <= response.status_code < 500
