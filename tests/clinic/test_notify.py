from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

from clinic import notify
from clinic.notify import StaffNotifier
from harness.webhook_sink import webhook_sink

ENDPOINTS = Path(__file__).resolve().parents[2] / "endpoints.yml"


def test_webhook_url_comes_from_endpoints_and_environment(monkeypatch) -> None:
    monkeypatch.setenv("STAFF_WEBHOOK_URL", "http://127.0.0.1:1/staff")
    notifier = StaffNotifier.from_endpoints(ENDPOINTS)
    assert notifier.webhook_url == "http://127.0.0.1:1/staff"
    assert notifier.timeout_seconds == 5


def test_without_a_webhook_nothing_is_sent(monkeypatch) -> None:
    monkeypatch.delenv("STAFF_WEBHOOK_URL", raising=False)
    assert not StaffNotifier.from_endpoints(ENDPOINTS).enabled


def endpoints_with(path: Path, webhook_url: str, modified: int) -> Path:
    path.write_text(f"staff_notifications:\n  webhook_url: {webhook_url}\n")
    os.utime(path, ns=(modified, modified))
    return path


def test_the_file_is_parsed_again_only_when_it_changes(
    tmp_path: Path, monkeypatch
) -> None:
    parsed: list[str] = []
    real_load = notify.yaml.safe_load
    monkeypatch.setattr(
        notify.yaml, "safe_load", lambda text: parsed.append(text) or real_load(text)
    )
    path = endpoints_with(tmp_path / "endpoints.yml", "http://a.example/1", 10**18)
    first = StaffNotifier.from_endpoints(path)
    again = StaffNotifier.from_endpoints(path)
    assert first.webhook_url == again.webhook_url == "http://a.example/1"
    assert len(parsed) == 1
    endpoints_with(path, "http://a.example/2", 2 * 10**18)
    assert StaffNotifier.from_endpoints(path).webhook_url == "http://a.example/2"
    assert len(parsed) == 2
    path.unlink()
    assert not StaffNotifier.from_endpoints(path).enabled


async def test_payload_reaches_the_webhook() -> None:
    with webhook_sink() as sink:
        error = await StaffNotifier(sink.url).send({"type": "test", "n": 1})
    assert error is None
    assert sink.received == [{"type": "test", "n": 1}]


async def test_unreachable_webhook_is_reported_not_raised() -> None:
    # Every attempt fails; the delays are not what this test is about.
    error = await StaffNotifier(
        "http://127.0.0.1:9/none", timeout_seconds=1, retry_delay_seconds=0.01
    ).send({})
    assert error is not None and error.startswith("webhook unreachable")


async def test_a_signed_payload_verifies_with_the_shared_secret() -> None:
    with webhook_sink() as sink:
        await StaffNotifier(sink.url, signing_secret="s3cret").send({"n": 1})
    [(headers, body)] = sink.raw
    signed = headers["X-Clinic-Timestamp"].encode() + b"." + body
    good = hmac.new(b"s3cret", signed, hashlib.sha256).hexdigest()
    wrong = hmac.new(b"other", signed, hashlib.sha256).hexdigest()
    assert headers["X-Clinic-Signature"] == f"sha256={good}" != f"sha256={wrong}"
    assert json.loads(body) == {"n": 1}


def test_the_signing_secret_comes_from_endpoints_and_environment(
    monkeypatch,
) -> None:
    monkeypatch.setenv("STAFF_WEBHOOK_SECRET", "from-env")
    assert StaffNotifier.from_endpoints(ENDPOINTS).signing_secret == "from-env"


async def test_plain_http_goes_only_to_this_machine() -> None:
    for url in ("http://staff.example.org/hook", "ftp://x.example/hook", "file:///x"):
        error = await StaffNotifier(url, attempts=1).send({"n": 1})
        assert error == "the staff webhook must be an https:// address", url
    assert notify.insecure_url_problem("https://hooks.example.org/x") is None
    assert notify.insecure_url_problem("http://127.0.0.1:9000/x") is None


async def test_a_redirect_is_not_followed() -> None:
    # A crisis payload must not be re-sent to wherever a redirect points.
    with (
        webhook_sink() as elsewhere,
        webhook_sink(redirect_to=elsewhere.url) as sink,
    ):
        error = await StaffNotifier(sink.url, attempts=1).send({"n": 1})
    assert error == "webhook answered HTTP 307"
    assert sink.redirected == 1
    assert elsewhere.received == []


async def test_unsigned_payloads_are_sent_and_warned_of_once(caplog) -> None:
    notify.warn_once_of_unsigned_payloads.cache_clear()
    with webhook_sink() as sink, caplog.at_level("WARNING", logger=notify.__name__):
        for n in (1, 2):
            assert await StaffNotifier(sink.url).send({"n": n}) is None
    assert sink.received == [{"n": 1}, {"n": 2}]
    assert "X-Clinic-Signature" not in sink.raw[0][0]
    warnings = [r.getMessage() for r in caplog.records if "unsigned" in r.getMessage()]
    assert len(warnings) == 1 and "STAFF_WEBHOOK_SECRET" in warnings[0]
    assert sink.url not in warnings[0]


async def test_signed_payloads_give_no_warning(caplog) -> None:
    notify.warn_once_of_unsigned_payloads.cache_clear()
    with webhook_sink() as sink, caplog.at_level("WARNING", logger=notify.__name__):
        await StaffNotifier(sink.url, signing_secret="s3cret").send({"n": 1})
    assert not [r for r in caplog.records if "unsigned" in r.getMessage()]
