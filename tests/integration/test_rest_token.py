"""The REST channel answers this machine's scripts freely and anyone else only
with REST_TOKEN (issue 24), through the real Rasa server: behind a proxy, and
from the suite's own server, which has no REST_TOKEN."""

from __future__ import annotations

import uuid

import pytest
import requests

from harness.servers import Assistant
from tests.integration.conftest import REST_TOKEN

THROUGH_A_PROXY = {"X-Forwarded-For": "203.0.113.200"}


def post(assistant: Assistant, headers: dict[str, str]) -> requests.Response:
    return requests.post(
        f"{assistant.url}/webhooks/rest/webhook",
        json={"sender": uuid.uuid4().hex, "message": "hello"},
        headers=headers,
        timeout=30,
    )


def test_with_the_token_a_proxied_request_is_answered(
    behind_a_proxy: Assistant,
) -> None:
    answered = post(
        behind_a_proxy, {**THROUGH_A_PROXY, "Authorization": f"Bearer {REST_TOKEN}"}
    )
    assert answered.status_code == 200 and answered.json()


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong", f"Token {REST_TOKEN}", "Bearer ", "Bearer é"],
)
def test_without_the_right_token_it_is_refused(
    behind_a_proxy: Assistant, authorization: str | None
) -> None:
    headers = dict(THROUGH_A_PROXY)
    if authorization is not None:
        headers["Authorization"] = authorization
    refused = post(behind_a_proxy, headers)
    assert refused.status_code == 401
    assert "REST_TOKEN" in refused.json()["error"]


def test_without_a_configured_token_only_this_machine_is_answered(
    assistant: Assistant,
) -> None:
    assert post(assistant, {}).status_code == 200
    refused = post(assistant, THROUGH_A_PROXY)
    assert refused.status_code == 403
    assert "website's chat window" in refused.json()["error"]
