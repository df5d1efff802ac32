"""Training runs and model deployments, as stored in the clinic's database."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from clinic.store.models import model_deployments, training_runs
from clinic.store.rows import row_in_utc

ACTIVE = ("queued", "training", "evaluating", "deploying")
FINISHED = ("deployed", "refused", "failed")
# A run that has not finished after this long died with its process.
STALE_AFTER = timedelta(hours=2)
TIMES = ("created_at", "finished_at")


class RunInProgress(RuntimeError):
    """Another candidate is being trained; one at a time."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _as_dict(row: Any) -> dict[str, Any]:
    run = row_in_utc(row._mapping, TIMES)
    run["report"] = json.loads(run["report"]) if run.get("report") else None
    return run


def _active_run(connection: Connection) -> dict[str, Any] | None:
    query = (
        select(training_runs)
        .where(training_runs.c.status.in_(ACTIVE))
        .order_by(training_runs.c.id.desc())
    )
    for row in connection.execute(query):
        run = _as_dict(row)
        if _now() - run["created_at"] < STALE_AFTER:
            return run
    return None


def active_run(engine: Engine) -> dict[str, Any] | None:
    with engine.connect() as connection:
        return _active_run(connection)


# Check-then-insert is not atomic in SQL: in one process (the console, where two
# staff or a double-click could race) this lock makes it so.
_START_LOCK = threading.Lock()


def start_run(engine: Engine, started_by: str) -> int:
    """A new queued run; refused while another is under way."""
    with _START_LOCK, engine.begin() as connection:
        if _active_run(connection) is not None:
            raise RunInProgress(
                "A model is already being trained. Wait for it to finish."
            )
        result = connection.execute(
            insert(training_runs).values(
                created_at=_now(),
                started_by=started_by,
                status="queued",
                progress="Waiting to start",
            )
        )
        return int(result.inserted_primary_key[0])


def update_run(engine: Engine, run_id: int, **values: Any) -> None:
    if "report" in values and not isinstance(values["report"], str | None):
        values["report"] = json.dumps(values["report"])
    if values.get("status") in FINISHED:
        values["finished_at"] = _now()
    with engine.begin() as connection:
        connection.execute(
            update(training_runs).where(training_runs.c.id == run_id).values(**values)
        )


def fail_if_unfinished(engine: Engine, run_id: int, why: str) -> bool:
    """Marks a run that is still active as failed (its process is gone)."""
    run = get_run(engine, run_id)
    if run is None or run["status"] not in ACTIVE:
        return False
    update_run(engine, run_id, status="failed", error=why, progress="Failed")
    return True


def get_run(engine: Engine, run_id: int) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(training_runs).where(training_runs.c.id == run_id)
        ).first()
    return _as_dict(row) if row is not None else None


def recent_runs(engine: Engine, limit: int = 20) -> list[dict[str, Any]]:
    query = select(training_runs).order_by(training_runs.c.id.desc()).limit(limit)
    with engine.connect() as connection:
        return [_as_dict(row) for row in connection.execute(query)]


def record_deployment(
    engine: Engine,
    username: str,
    model_path: str,
    previous_model_path: str | None,
    kind: str,
    training_run_id: int | None = None,
) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(model_deployments).values(
                created_at=_now(),
                username=username,
                model_path=model_path,
                previous_model_path=previous_model_path,
                kind=kind,
                training_run_id=training_run_id,
            )
        )


def deployments(engine: Engine, limit: int = 20) -> list[dict[str, Any]]:
    query = (
        select(model_deployments).order_by(model_deployments.c.id.desc()).limit(limit)
    )
    with engine.connect() as connection:
        return [
            row_in_utc(row._mapping, ("created_at",))
            for row in connection.execute(query)
        ]


def latest_deployment(engine: Engine) -> dict[str, Any] | None:
    found = deployments(engine, limit=1)
    return found[0] if found else None
