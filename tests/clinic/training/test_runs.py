"""Training runs and deployments on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic.training import runs
from clinic.training.job import rollback_target


def test_a_run_moves_through_its_states_and_keeps_its_report(engine) -> None:
    run_id = runs.start_run(engine, "dana")
    assert runs.active_run(engine)["id"] == run_id
    runs.update_run(engine, run_id, status="training", progress="Training")
    runs.update_run(
        engine, run_id, status="refused", report={"passed": False, "reasons": ["x"]}
    )
    run = runs.get_run(engine, run_id)
    assert run["status"] == "refused"
    assert run["report"] == {"passed": False, "reasons": ["x"]}
    assert run["finished_at"] is not None
    assert runs.active_run(engine) is None


def test_only_one_run_at_a_time(engine) -> None:
    runs.start_run(engine, "dana")
    with pytest.raises(runs.RunInProgress):
        runs.start_run(engine, "sam")


def test_deployments_newest_first(engine) -> None:
    runs.record_deployment(engine, "dana", "/m/b.tar.gz", "/m/a.tar.gz", "gate", 1)
    runs.record_deployment(engine, "sam", "/m/a.tar.gz", "/m/b.tar.gz", "rollback")
    latest = runs.latest_deployment(engine)
    assert (latest["model_path"], latest["kind"]) == ("/m/a.tar.gz", "rollback")
    assert [d["username"] for d in runs.deployments(engine)] == ["sam", "dana"]


def test_a_run_whose_process_died_is_marked_failed(engine) -> None:
    run_id = runs.start_run(engine, "dana")
    assert runs.fail_if_unfinished(engine, run_id, "exit code -9")
    run = runs.get_run(engine, run_id)
    assert (run["status"], run["error"]) == ("failed", "exit code -9")
    assert runs.active_run(engine) is None
    assert not runs.fail_if_unfinished(engine, run_id, "again")


def test_only_a_training_runs_deployment_can_be_rolled_back_once(engine) -> None:
    assert rollback_target(engine) is None
    runs.record_deployment(engine, "dana", "/m/new.tar.gz", "/m/old.tar.gz", "gate", 1)
    assert rollback_target(engine) == Path("/m/old.tar.gz")
    runs.record_deployment(engine, "dana", "/m/old.tar.gz", "/m/new.tar.gz", "rollback")
    assert rollback_target(engine) is None, "undoing the rollback is not offered"
