"""Retraining from the command line (``make retrain``) and for the console.

python -m clinic.training train [--by NAME]   train, check, put live if it passes
python -m clinic.training job RUN_ID          carry out a run the console queued
python -m clinic.training rollback [--by NAME]
python -m clinic.training status
python -m clinic.training live-model          the model the last deployment put live
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
import threading
import time
from pathlib import Path

from clinic.cpu import one_blas_thread
from clinic.store.db import engine_for
from clinic.training import runs
from clinic.training.job import (
    NothingToRollBack,
    TrainingSettings,
    roll_back,
    run_job,
)
from clinic.training.serving import ServingError


def _print_progress(engine: object, run_id: int, done: threading.Event) -> None:
    last = ""
    while not done.wait(1.0):
        run = runs.get_run(engine, run_id)  # type: ignore[arg-type]
        if run and run["progress"] != last:
            last = run["progress"]
            print(f"  {run['status']}: {last}", flush=True)


def train(settings: TrainingSettings, by: str) -> int:
    engine = engine_for(settings.database_url)
    run_id = runs.start_run(engine, by)
    print(f"training run {run_id}", flush=True)
    done = threading.Event()
    watcher = threading.Thread(target=_print_progress, args=(engine, run_id, done))
    watcher.start()
    started = time.monotonic()
    try:
        status = run_job(settings, engine, run_id)
    finally:
        done.set()
        watcher.join()
    run = runs.get_run(engine, run_id) or {}
    print(f"{status} after {time.monotonic() - started:.0f} s")
    for reason in (run.get("report") or {}).get("reasons", []):
        print(f"  - {reason}")
    if run.get("error"):
        print(run["error"])
    return 0 if status == "deployed" else 1


def status(settings: TrainingSettings) -> int:
    engine = engine_for(settings.database_url)
    for run in runs.recent_runs(engine, 10):
        print(
            f"run {run['id']}  {run['created_at']:%Y-%m-%d %H:%M}  {run['status']:<10} "
            f"{run['started_by']}  {run['progress'] or ''}"
        )
    for deployment in runs.deployments(engine, 10):
        print(
            f"{deployment['created_at']:%Y-%m-%d %H:%M}  {deployment['kind']:<8} "
            f"{Path(deployment['model_path']).name}  by {deployment['username']}"
        )
    return 0


# What developers change (staff change data/ only): a model put live before one
# of these changed was trained for an older assistant.
DEVELOPER_INPUTS = (
    "config.yml",
    "domain",
    "uv.lock",
    "clinic/components",
    "clinic/nlp",
)


def newest_developer_change(root: Path) -> float:
    paths = [root / name for name in DEVELOPER_INPUTS]
    files = [f for p in paths for f in ([p] if p.is_file() else p.rglob("*.*"))]
    return max((f.stat().st_mtime for f in files if f.is_file()), default=0.0)


def live_model(settings: TrainingSettings) -> int:
    """Prints the model staff last put live, if it still fits the project."""
    latest = runs.latest_deployment(engine_for(settings.database_url))
    if latest is None or not Path(latest["model_path"]).is_file():
        return 1
    if latest["created_at"].timestamp() < newest_developer_change(settings.root):
        return 1
    print(latest["model_path"])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clinic.training")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("train", "rollback"):
        command = commands.add_parser(name)
        command.add_argument("--by", default=getpass.getuser())
    commands.add_parser("job").add_argument("run_id", type=int)
    commands.add_parser("status")
    commands.add_parser("live-model")
    args = parser.parse_args(argv)
    if args.command in ("train", "job"):
        one_blas_thread()
    logging.basicConfig(level=logging.WARNING)
    settings = TrainingSettings.from_environment()
    # Rasa reads the config's relative paths (the spaCy pipeline, crisis phrases)
    # from the working directory.
    os.chdir(settings.root)
    if args.command == "train":
        return train(settings, args.by)
    if args.command == "job":
        engine = engine_for(settings.database_url)
        return 0 if run_job(settings, engine, args.run_id) == "deployed" else 1
    if args.command == "rollback":
        try:
            model = roll_back(settings, engine_for(settings.database_url), args.by)
        except (NothingToRollBack, ServingError) as error:
            print(error, file=sys.stderr)
            return 1
        print(f"serving {model.name} again")
        return 0
    if args.command == "status":
        return status(settings)
    return live_model(settings)


if __name__ == "__main__":
    sys.exit(main())
