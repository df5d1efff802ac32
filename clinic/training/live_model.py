"""In a clinic group a Rasa replica that is (re)started serves the model last
put live (``make retrain``, the console's Training page, a rollback), not the
one it was first launched with: otherwise a replica restarted after a
retraining would answer with the old model beside replicas serving the new.

Switched on by ``RASA_MODEL_FROM_DEPLOYMENTS=1`` (``make cluster``, the
image's entrypoint). ``make run`` keeps the model it trains from data/.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from clinic.store.db import make_engine
from clinic.training import runs

SWITCH = "RASA_MODEL_FROM_DEPLOYMENTS"
MODEL_OPTION = "--model"

logger = logging.getLogger(__name__)


def with_the_live_model(arguments: list[str]) -> list[str]:
    """``rasa run`` arguments whose --model is the model last put live, when
    the switch is on and that model's file is here."""
    if os.environ.get(SWITCH) != "1" or not os.environ.get("DATABASE_URL"):
        return arguments
    live = last_put_live(os.environ["DATABASE_URL"])
    if live is None:
        return arguments
    logger.info("serving the model last put live: %s", live.name)
    return with_model(arguments, live)


def last_put_live(database_url: str) -> Path | None:
    try:
        engine = make_engine(database_url)
        try:
            latest = runs.latest_deployment(engine)
        finally:
            engine.dispose()
    except SQLAlchemyError as error:
        logger.warning(
            "model put live unknown (%s): the one given is served", type(error).__name__
        )
        return None
    if latest is None:
        return None
    path = Path(latest["model_path"])
    if not path.is_file():
        logger.warning(
            "the model put live is not here (%s): the one given is served", path
        )
        return None
    return path


def with_model(arguments: list[str], model: Path) -> list[str]:
    kept: list[str] = []
    skip_value = False
    for argument in arguments:
        if skip_value:
            skip_value = False
        elif argument == MODEL_OPTION:
            skip_value = True
        elif not argument.startswith(f"{MODEL_OPTION}="):
            kept.append(argument)
    return [*kept, f"{MODEL_OPTION}={model}"]
