"""Crisis flags kept aside in a local file while the database cannot take them.

A staff alert about a crisis must never depend on the database. When the
``crisis_flags`` row cannot be written, the flag goes to this file (one JSON
object a line, readable by its owner only) and staff are alerted all the same.
The flags move into the database once it accepts writes again: the Rasa server
tries every ``RETRY_SECONDS`` while any wait, and the console's crisis page tries
on every visit and lists those still waiting.

Every change holds an exclusive ``flock`` on the file, so the Rasa server and the
console never append to a file that is being emptied.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from sqlalchemy.engine import Engine

from clinic.store.crisis_flags import (
    MAX_STORED_MESSAGE,
    CrisisFlag,
    mark_notification,
    record_crisis_flag,
    stored_references,
)

logger = logging.getLogger(__name__)

SPOOL_PATH_ENV = "CRISIS_SPOOL_PATH"
DEFAULT_SPOOL_PATH = Path("var/crisis_flags_pending.jsonl")
RETRY_SECONDS = 15.0


def spool_path() -> Path:
    return Path(os.environ.get(SPOOL_PATH_ENV) or DEFAULT_SPOOL_PATH)


@dataclass(frozen=True)
class WaitingFlag:
    """A flag in the file, with the outcome of its staff alert once known."""

    flag: CrisisFlag
    alert_error: str | None = None
    alerted: bool = False


@contextmanager
def _locked(path: Path) -> Iterator[IO[str]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "r+", encoding="utf-8") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield file
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def _append(path: Path, entry: dict[str, Any]) -> None:
    with _locked(path) as file:
        file.write(json.dumps(entry) + "\n")
        file.flush()
        os.fsync(file.fileno())


def keep_flag(path: Path, flag: CrisisFlag) -> None:
    """Writes the flag to the file; raises OSError if even that fails."""
    entry = asdict(flag)
    entry.update(
        kind="flag",
        message=flag.message[:MAX_STORED_MESSAGE],
        created_at=flag.created_at.isoformat(),
    )
    _append(path, entry)


def keep_alert_outcome(path: Path, reference: str, error: str | None) -> None:
    at = datetime.now(timezone.utc).isoformat()
    _append(path, {"kind": "alert", "reference": reference, "error": error, "at": at})


def _entries(file: IO[str]) -> list[dict[str, Any]]:
    file.seek(0)
    entries = []
    for line in file:
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:  # a line cut short by a crash: skip it
            continue
    return entries


def _waiting(entries: list[dict[str, Any]]) -> list[WaitingFlag]:
    outcomes = {e["reference"]: e["error"] for e in entries if e["kind"] == "alert"}
    waiting = []
    for entry in entries:
        if entry["kind"] != "flag":
            continue
        flag = CrisisFlag(
            conversation_id=entry["conversation_id"],
            message=entry["message"],
            detection=entry["detection"],
            categories=tuple(entry["categories"]),
            reference=entry["reference"],
            created_at=datetime.fromisoformat(entry["created_at"]),
        )
        known = flag.reference in outcomes
        error = outcomes.get(flag.reference)
        waiting.append(WaitingFlag(flag, error, known and error is None))
    return waiting


def anything_waits(path: Path) -> bool:
    """A stat(), no lock: cheap enough to ask on every event."""
    return path.exists() and path.stat().st_size > 0


def waiting_flags(path: Path) -> list[WaitingFlag]:
    """The flags still waiting for the database, oldest first."""
    if not anything_waits(path):
        return []
    with _locked(path) as file:
        return _waiting(_entries(file))


def move_into_database(engine: Engine, path: Path) -> int:
    """Stores every waiting flag (once, whatever happened before) and the outcome
    of its alert, then empties the file. Returns how many flags were stored.

    Raises the database's error, leaving the file as it was, while the database
    still refuses.
    """
    if not anything_waits(path):
        return 0
    with _locked(path) as file:
        entries = _entries(file)
        waiting = _waiting(entries)
        already = stored_references(engine, [w.flag.reference for w in waiting])
        for item in waiting:
            if item.flag.reference not in already:
                record_crisis_flag(engine, item.flag)
        for entry in entries:
            if entry["kind"] == "alert":
                at = datetime.fromisoformat(entry["at"])
                mark_notification(engine, entry["reference"], entry["error"], at)
        file.truncate(0)
    return len(waiting) - len(already)


def try_moving_into_database(engine: Engine, path: Path) -> int:
    """``move_into_database``, with a refusal logged (the flags keep waiting and
    are tried again later) instead of raised."""
    try:
        stored = move_into_database(engine, path)
    except Exception as error:
        logger.warning(
            "kept-aside crisis flags still wait for the database (%s)",
            type(error).__name__,
        )
        return 0
    if stored:
        logger.info("%d kept-aside crisis flags stored in the database", stored)
    return stored
