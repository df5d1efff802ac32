from __future__ import annotations

from pathlib import Path

from clinic.notify import StaffNotifier
from tests.support.webhook_sink import webhook_sink

ENDPOINTS = Path(__file__).resolve().parents[2] / "endpoints.yml"


def test_webhook_url_comes_from_endpoints_and_environment(monkeypatch) -> None:
    monkeypatch.setenv("STAFF_WEBHOOK_URL", "http://127.0.0.1:1/staff")
    notifier = StaffNotifier.from_endpoints(ENDPOINTS)
    assert notifier.webhook_url == "http://127.0.0.1:1/staff"
    assert notifier.timeout_seconds == 5


def test_without_a_webhook_nothing_is_sent(monkeypatch) -> None:
    monkeypatch.delenv("STAFF_WEBHOOK_URL", raising=False)
    assert not StaffNotifier.from_endpoints(ENDPOINTS).enabled


async def test_payload_reaches_the_webhook() -> None:
    with webhook_sink() as sink:
        error = await StaffNotifier(sink.url).send({"type": "test", "n": 1})
    assert error is None
    assert sink.received == [{"type": "test", "n": 1}]


async def test_unreachable_webhook_is_reported_not_raised() -> None:
    error = await StaffNotifier("http://127.0.0.1:9/none", timeout_seconds=1).send({})
    assert error is not None and error.startswith("webhook unreachable")
