"""A replica started with RASA_MODEL_FROM_DEPLOYMENTS=1 serves the model last
put live (clinic/training/live_model.py); through a real server in
tests/integration/test_replicas.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from clinic.training import runs
from clinic.training.live_model import SWITCH, with_model, with_the_live_model

LAUNCH = ["run", "--model", "models/model-a.tar.gz", "--port", "5005"]


def test_the_model_option_is_replaced_in_either_form(tmp_path: Path) -> None:
    live = tmp_path / "candidate.tar.gz"
    assert with_model(LAUNCH, live) == ["run", "--port", "5005", f"--model={live}"]
    assert with_model(["run", "--model=x"], live) == ["run", f"--model={live}"]


def given_a_deployment(
    engine: Engine, database_url: str, model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs.record_deployment(engine, "admin", str(model), None, "gate")
    monkeypatch.setenv("DATABASE_URL", database_url)


def test_switched_on_the_model_last_put_live_is_served(
    engine: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = tmp_path / "candidate.tar.gz"
    live.write_bytes(b"a model")
    given_a_deployment(engine, database_url, live, monkeypatch)
    assert with_the_live_model(LAUNCH) == LAUNCH  # switched off: as launched
    monkeypatch.setenv(SWITCH, "1")
    assert with_the_live_model(LAUNCH)[-1] == f"--model={live}"


def test_a_model_put_live_whose_file_is_gone_leaves_the_launch_model(
    engine: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given_a_deployment(engine, database_url, tmp_path / "gone.tar.gz", monkeypatch)
    monkeypatch.setenv(SWITCH, "1")
    assert with_the_live_model(LAUNCH) == LAUNCH


def test_an_unreachable_database_leaves_the_launch_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.setenv(SWITCH, "1")
    assert with_the_live_model(LAUNCH) == LAUNCH
