"""Shared fixtures: one real assistant (Rasa server + action server) per test run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.live_chat import (
    PASSWORD,
    SITE,
    clinic_config_always_open,
    create_staff_account,
)
from harness.servers import (
    Assistant,
    action_server,
    base_environment,
    free_port,
    migrate,
    rasa_server,
    trained_model,
)
from harness.web import widget_environment
from harness.webhook_sink import WebhookSink, webhook_sink


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
def site_port() -> int:
    """Port of the demo site in browser tests: the assistant accepts its origin."""
    return free_port()


@pytest.fixture(scope="session")
def assistant(
    model_path: Path,
    staff_webhook: WebhookSink,
    server_logs: Path,
    assistant_database: str,
    site_port: int,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Assistant]:
    """The real assistant on embedded defaults (SQLite), with a local staff webhook,
    within the clinic's hours whenever the tests run (so a crisis reply offers the
    team; tests/integration/test_crisis_reply.py covers the hours outside)."""
    env = {
        **base_environment(assistant_database, staff_webhook.url),
        **widget_environment(site_port),
        "CLINIC_CONFIG": str(
            clinic_config_always_open(tmp_path_factory.mktemp("clinic-hours"))
        ),
    }
    with (
        action_server(env, server_logs) as action_url,
        rasa_server(model_path, env, server_logs, action_url) as running,
    ):
        yield running


@pytest.fixture(scope="session")
def live_chat_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A clinic open for live chat at every hour, with staff accounts dana and sam."""
    directory = tmp_path_factory.mktemp("live-handoff")
    database_url = f"sqlite:///{directory / 'clinic.db'}"
    migrate(database_url)
    create_staff_account(database_url, "dana", "Dana", PASSWORD)
    create_staff_account(database_url, "sam", "Sam", PASSWORD)
    env = base_environment(database_url)
    env["CLINIC_CONFIG"] = str(clinic_config_always_open(directory))
    env["WIDGET_ORIGINS"] = SITE
    return env


@pytest.fixture(scope="session")
def live_assistant(
    model_path: Path, live_chat_env: dict[str, str], server_logs: Path
) -> Iterator[Assistant]:
    with (
        action_server(live_chat_env, server_logs) as action_url,
        rasa_server(model_path, live_chat_env, server_logs, action_url) as running,
    ):
        yield running


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--model-tests",
        choices=("all", "without", "with"),
        default="all",
        help="only the tests that need no trained model (make test runs them "
        "beside the training), or only those that do",
    )


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    which = config.getoption("--model-tests")
    if which == "all":
        return
    # A test needs the model when the model_path fixture is in its closure.
    wanted = which == "with"
    chosen: dict[bool, list[pytest.Item]] = {True: [], False: []}
    for item in items:
        chosen[needs_the_model(item) == wanted].append(item)
    config.hook.pytest_deselected(items=chosen[False])
    items[:] = chosen[True]


def needs_the_model(item: pytest.Item) -> bool:
    return "model_path" in getattr(item, "fixturenames", ())
