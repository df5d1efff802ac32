"""The console's training page: train a candidate model in the background, see
its progress and the gate's verdict, roll back to the previous model."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from clinic.console.pages import ENGINE, TRAINING, audit, back_to, render, username
from clinic.console.security import require_admin
from clinic.training import runs
from clinic.training.job import (
    PROJECT_ROOT,
    NothingToRollBack,
    TrainingSettings,
    roll_back,
    rollback_target,
)
from clinic.training.serving import ServingError

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()


def job_environment(settings: TrainingSettings) -> dict[str, str]:
    return {
        **os.environ,
        "CONTENT_ROOT": str(settings.root),
        "DATABASE_URL": settings.database_url,
        "RASA_URL": settings.rasa_url,
        "RASA_AUTH_TOKEN": settings.rasa_token,
        "RASA_REPLICA_URLS": ",".join(settings.replica_urls),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])
        ),
    }


def job_log(settings: TrainingSettings, run_id: int) -> Path:
    return settings.log_dir / f"training-job-{run_id}.log"


def launch_job(settings: TrainingSettings, run_id: int) -> subprocess.Popen[bytes]:
    # subprocess, not asyncio's: importing Rasa (the content checks do) installs
    # uvloop's event loop policy under the running loop, and asyncio's child
    # watcher then refuses to start processes.
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    with job_log(settings, run_id).open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "clinic.training", "job", str(run_id)],
            cwd=settings.root,
            env=job_environment(settings),
            stdout=log,
            stderr=subprocess.STDOUT,
        )


async def start_job(app: web.Application, run_id: int) -> None:
    """Trains in a process of its own: the console stays responsive and the
    assistant keeps serving."""
    settings, engine = app[TRAINING], app[ENGINE]
    try:
        process = await asyncio.to_thread(launch_job, settings, run_id)
    except Exception as error:  # the run must not stay queued, blocking training
        await asyncio.to_thread(
            runs.fail_if_unfinished, engine, run_id, f"could not start: {error}"
        )
        raise
    # A daemon thread reaps the process: the console can stop while it trains.
    log = job_log(settings, run_id).relative_to(settings.root)
    threading.Thread(
        target=watch_job, args=(engine, process, run_id, log), daemon=True
    ).start()


def watch_job(
    engine: object, process: subprocess.Popen[bytes], run_id: int, log: Path
) -> None:
    """A job killed before it could say so (out of memory, a signal) must not
    leave its run "in progress" and training blocked."""
    code = process.wait()
    why = f"The training process stopped unexpectedly (exit code {code}); see {log}"
    if runs.fail_if_unfinished(engine, run_id, why):  # type: ignore[arg-type]
        logger.error("training run %s: %s", run_id, why)


def model_name(path: str | None) -> str:
    return Path(path).name if path else ""


async def serving_model_name(request: web.Request) -> str:
    try:
        serving = await asyncio.to_thread(request.app[TRAINING].server().serving_model)
    except ServingError as error:
        return f"unknown ({error})"
    return model_name(serving)


async def training_state(request: web.Request) -> dict[str, Any]:
    engine = request.app[ENGINE]
    recent = await asyncio.to_thread(runs.recent_runs, engine, 10)
    history = await asyncio.to_thread(runs.deployments, engine, 10)
    active = await asyncio.to_thread(runs.active_run, engine)
    target = await asyncio.to_thread(rollback_target, engine)
    return {
        "runs": recent,
        "deployments": history,
        "serving": await serving_model_name(request),
        "rollback_to": model_name(str(target)) if target and not active else "",
        "active": active,
    }


@routes.get("/training")
async def training_page(request: web.Request) -> web.Response:
    state = await training_state(request)
    return render(
        request,
        "training.html",
        model_name=model_name,
        message=request.query.get("message", ""),
        error=request.query.get("error", ""),
        **state,
    )


@routes.get("/training/status")
async def training_status(request: web.Request) -> web.Response:
    """What the page polls every two seconds while a run is under way: the
    latest run only, not the page's whole history."""
    engine = request.app[ENGINE]
    latest = await asyncio.to_thread(runs.recent_runs, engine, 1)
    active = await asyncio.to_thread(runs.active_run, engine)
    run = latest[0] if latest else None
    return web.json_response(
        {
            "serving": await serving_model_name(request),
            "run": {
                "id": run["id"],
                "status": run["status"],
                "progress": run["progress"],
                "active": bool(active and active["id"] == run["id"]),
            }
            if run
            else None,
        }
    )


@routes.post("/training/start")
async def start_training(request: web.Request) -> web.Response:
    require_admin(request)  # a model put live changes every visitor's answers
    try:
        run_id = await asyncio.to_thread(
            runs.start_run, request.app[ENGINE], username(request)
        )
    except runs.RunInProgress as busy:
        raise back_to("/training?" + urlencode({"error": str(busy)})) from None
    await start_job(request.app, run_id)
    await audit(request, "training_started", str(run_id))
    raise back_to("/training")


@routes.post("/training/rollback")
async def rollback(request: web.Request) -> web.Response:
    require_admin(request)
    try:
        model = await asyncio.to_thread(
            roll_back, request.app[TRAINING], request.app[ENGINE], username(request)
        )
    except (NothingToRollBack, ServingError) as problem:
        raise back_to("/training?" + urlencode({"error": str(problem)})) from None
    await audit(request, "model_rolled_back", model.name)
    raise back_to("/training?" + urlencode({"message": f"Serving {model.name} again"}))
