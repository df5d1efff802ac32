"""Shared fixtures: one real assistant (Rasa server + action server) per test run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.servers import (
    Assistant,
    action_server,
    base_environment,
    migrate,
    rasa_server,
    trained_model,
)
from tests.support.webhook_sink import WebhookSink, webhook_sink


@pytest.fixture(scope="session")
def model_path() -> Path:
    return trained_model()


@pytest.fixture(scope="session")
def staff_webhook() -> Iterator[WebhookSink]:
    with webhook_sink() as sink:
        yield sink


@pytest.fixture(scope="session")
def server_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server-logs")


@pytest.fixture(scope="session")
def assistant_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'clinic.db'}"
    migrate(url)
    return url


@pytest.fixture(scope="session")
def assistant(
    model_path: Path,
    staff_webhook: WebhookSink,
    server_logs: Path,
    assistant_database: str,
) -> Iterator[Assistant]:
    """The real assistant on embedded defaults (SQLite), with a local staff webhook."""
    env = base_environment(assistant_database, staff_webhook.url)
    with (
        action_server(env, server_logs) as action_url,
        rasa_server(model_path, env, server_logs, action_url) as running,
    ):
        yield running


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
