"""One training run: train a candidate, measure it and the serving model, and
put the candidate live only if it passes the gate (clinic/training/gate.py).

Runs in its own process (``python -m clinic.training job <id>``, started by the
console, or ``python -m clinic.training train``), so the assistant and the
console keep serving while it trains. Progress is written to the run's row.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from clinic.training import runs
from clinic.training.figures import (
    CRISIS_SETS,
    HELDOUT_FILE,
    ModelFigures,
    measure_model,
)
from clinic.training.gate import judge
from clinic.training.serving import Replicas, replica_urls_from

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CANDIDATES = "candidates"


@dataclass(frozen=True)
class TrainingSettings:
    # the project: data/, domain/, config.yml, tests/ (held-out and crisis sets)
    root: Path
    database_url: str
    rasa_url: str
    rasa_token: str
    # Each replica directly (RASA_REPLICA_URLS, comma-separated); one server
    # (rasa_url) when not set.
    replica_urls: tuple[str, ...] = ()

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def log_dir(self) -> Path:
        return self.root / "var" / "log"

    @classmethod
    def from_environment(cls) -> TrainingSettings:
        root = Path(os.environ.get("CONTENT_ROOT") or PROJECT_ROOT)
        rasa_port = os.environ.get("RASA_PORT", "5005")
        return cls(
            root=root,
            database_url=os.environ.get("DATABASE_URL")
            or f"sqlite:///{root / 'var' / 'clinic.db'}",
            rasa_url=os.environ.get("RASA_URL", f"http://127.0.0.1:{rasa_port}"),
            rasa_token=os.environ.get("RASA_AUTH_TOKEN", ""),
            replica_urls=replica_urls_from(os.environ.get("RASA_REPLICA_URLS", "")),
        )

    def server(self) -> Replicas:
        return Replicas(list(self.replica_urls or [self.rasa_url]), self.rasa_token)


class TrainingFailed(RuntimeError):
    """Rasa could not train the candidate; its log says why."""


def find_model(settings: TrainingSettings, engine: Engine, name: str) -> Path | None:
    """The path of the model file the server reports serving."""
    for deployment in runs.deployments(engine, limit=50):
        path = Path(deployment["model_path"])
        if path.name == Path(name).name and path.is_file():
            return path
    # The model the assistant was started with (scripts/run.sh, the tests).
    started_with = Path(os.environ.get("CLINIC_MODEL") or "/nonexistent")
    if started_with.name == Path(name).name and started_with.is_file():
        return started_with
    found = sorted(settings.models_dir.rglob(Path(name).name))
    return found[0] if found else None


def train_candidate(settings: TrainingSettings, run_id: int) -> Path:
    """Trains in this process: it loads Rasa once for training and measuring."""
    from rasa.model_training import train

    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    name = f"candidate-{run_id}-{stamp}"
    out = settings.models_dir / CANDIDATES
    result = train(
        domain=str(settings.root / "domain"),
        config=str(settings.root / "config.yml"),
        training_files=[str(settings.root / "data")],
        output=str(out),
        fixed_model_name=name,
    )
    model = out / f"{name}.tar.gz"
    if result.code != 0 or not model.is_file():
        raise TrainingFailed(f"Rasa could not train the candidate (code {result.code})")
    return model


def _test_sets_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in (HELDOUT_FILE, *CRISIS_SETS.values()):
        digest.update((root / path).read_bytes())
    return digest.hexdigest()[:12]


def figures_of(settings: TrainingSettings, model: Path) -> ModelFigures:
    """A model's figures, kept beside the models: the serving model is measured
    once, not at every run."""
    cache = (
        settings.models_dir
        / "figures"
        / f"{model.name}.{_test_sets_hash(settings.root)}.json"
    )
    if cache.is_file():
        return ModelFigures.from_dict(json.loads(cache.read_text(encoding="utf-8")))
    figures = measure_model(model, settings.root)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(figures.as_dict()), encoding="utf-8")
    return figures


def _report(candidate: ModelFigures, live: ModelFigures | None) -> dict[str, Any]:
    verdict = judge(candidate, live)
    return {
        "passed": verdict.passed,
        "reasons": verdict.reasons,
        "newly_wrong": verdict.newly_wrong,
        "candidate": candidate.as_dict(),
        "live": live.as_dict() if live else None,
    }


class ServingModelNotFound(RuntimeError):
    """The server's model file is not on this machine: nothing to compare with."""


def serving_model_path(
    settings: TrainingSettings, engine: Engine, server: Replicas
) -> Path | None:
    name = server.serving_model()
    if not name:
        return None  # the server has no model: only crisis recall can be judged
    live = find_model(settings, engine, name)
    if live is None:
        raise ServingModelNotFound(
            f"The model the assistant is serving ({Path(name).name}) is not in "
            f"{settings.models_dir}, so a new one cannot be compared with it. "
            "Ask whoever runs the assistant to restart it with `make run`."
        )
    return live


def _deploy(
    engine: Engine,
    server: Replicas,
    run: dict[str, Any],
    candidate: Path,
    live: Path | None,
) -> None:
    server.load(candidate, restore_to=live)
    runs.record_deployment(
        engine,
        run["started_by"],
        str(candidate),
        str(live) if live else None,
        "gate",
        run["id"],
    )


def _carry_out(settings: TrainingSettings, engine: Engine, run: dict[str, Any]) -> str:
    run_id, server = run["id"], settings.server()
    live = serving_model_path(settings, engine, server)
    runs.update_run(
        engine,
        run_id,
        status="training",
        live_model=str(live) if live else None,
        progress="Training a candidate model from the current content",
    )
    candidate = train_candidate(settings, run_id)
    runs.update_run(
        engine,
        run_id,
        status="evaluating",
        candidate_model=str(candidate),
        progress="Checking the candidate on held-out questions and crisis messages",
    )
    report = _report(
        figures_of(settings, candidate), figures_of(settings, live) if live else None
    )
    if not report["passed"]:
        runs.update_run(
            engine,
            run_id,
            status="refused",
            report=report,
            progress="Not put live: the candidate did worse than the serving model",
        )
        return "refused"
    runs.update_run(
        engine,
        run_id,
        status="deploying",
        report=report,
        progress="Putting the new model live",
    )
    _deploy(engine, server, run, candidate, live)
    runs.update_run(engine, run_id, status="deployed", progress="Live")
    return "deployed"


def run_job(settings: TrainingSettings, engine: Engine, run_id: int) -> str:
    """Carries the run through; returns its final status."""
    run = runs.get_run(engine, run_id)
    if run is None:
        raise KeyError(f"no training run {run_id}")
    try:
        return _carry_out(settings, engine, run)
    except BaseException as error:  # whatever happens, the run must not stay active
        logger.exception("training run %s failed", run_id)
        message = str(error) or type(error).__name__
        runs.update_run(
            engine, run_id, status="failed", error=message, progress="Failed"
        )
        if not isinstance(error, Exception):
            raise  # Ctrl-C and exits go on
        return "failed"


class NothingToRollBack(RuntimeError):
    """No earlier model is on record."""


def rollback_target(engine: Engine) -> Path | None:
    """The model that served before the last one a training run put live.

    Only a training run's deployment can be undone, once: after a rollback the
    model that was undone is not offered again (it would undo the rollback).
    """
    latest = runs.latest_deployment(engine)
    if latest is None or latest["kind"] != "gate" or not latest["previous_model_path"]:
        return None
    return Path(latest["previous_model_path"])


def roll_back(settings: TrainingSettings, engine: Engine, username: str) -> Path:
    """Puts the model that served before the latest training run's live again."""
    if runs.active_run(engine) is not None:
        raise NothingToRollBack("A model is being trained: wait for it to finish.")
    latest = runs.latest_deployment(engine)
    previous = rollback_target(engine)
    if latest is None or previous is None:
        raise NothingToRollBack("There is no earlier model to go back to.")
    if not previous.is_file():
        raise NothingToRollBack(f"The earlier model's file is gone: {previous}")
    settings.server().load(previous, restore_to=Path(latest["model_path"]))
    runs.record_deployment(
        engine, username, str(previous), latest["model_path"], "rollback"
    )
    return previous
