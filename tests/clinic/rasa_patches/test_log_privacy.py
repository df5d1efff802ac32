"""Visitors' words never reach the logs (issue 24, item 8), even at debug level,
where Rasa logs every message and its parse."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from clinic.rasa_patches.log_privacy import keep_visitor_text_out_of_logs, redacted
from harness.servers import Assistant, assistant_on_its_own_database

DISCLOSURE = "call me on 202 555 0187, i keep thinking about ending my life"


def test_rasas_structured_log_events_carry_a_hash_instead_of_the_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from rasa.utils.log_utils import configure_structlog

    keep_visitor_text_out_of_logs()
    configure_structlog(logging.DEBUG)
    try:
        structlog.get_logger().error(
            "rest.message.received.failure", text=DISCLOSURE, sender_id="visitor-1"
        )
    finally:
        structlog.reset_defaults()
    logged = caplog.text
    assert "rest.message.received.failure" in logged
    assert redacted(DISCLOSURE) in logged
    assert "555" not in logged and "ending my life" not in logged
    assert "visitor-1" in logged  # what is not the visitor's words stays


@pytest.fixture(scope="module")
def debug_assistant(
    model_path: Path, server_logs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Assistant]:
    with assistant_on_its_own_database(
        model_path,
        server_logs,
        tmp_path_factory.mktemp("debug-logs"),
        LOG_LEVEL="DEBUG",
    ) as running:
        yield running


def test_a_debug_log_of_a_whole_conversation_holds_none_of_its_words(
    debug_assistant: Assistant,
) -> None:
    sender = "visitor-debug-logs"
    debug_assistant.send(sender, "hi")
    replies = debug_assistant.send(sender, DISCLOSURE)
    assert any("988" in reply.get("text", "") for reply in replies)
    [log] = debug_assistant.log_dir.glob(
        f"rasa-{debug_assistant.url.rsplit(':', 1)[1]}.log"
    )
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "processor.message.parse" in text, "debug logging is on"
    assert "202 555 0187" not in text
    assert "ending my life" not in text
    actions = "\n".join(
        path.read_text(errors="replace")
        for path in debug_assistant.log_dir.glob("actions-*.log")
    )
    assert "ending my life" not in actions
