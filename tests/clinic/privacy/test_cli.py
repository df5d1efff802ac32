"""``python -m clinic.privacy``, as an operator runs it (make purge, make privacy)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore

from clinic.store.db import make_engine
from clinic.store.migrate import upgrade
from tests.clinic.privacy.conftest import seed_visitor

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def privacy(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clinic.privacy", *args],
        env={**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(PROJECT_ROOT)},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_export_purge_and_erase_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    upgrade(url)
    engine = make_engine(url)
    SQLTrackerStore.Base.metadata.create_all(engine)
    old = seed_visitor(engine, "visitor-old-cli", age_days=3650)
    new = seed_visitor(engine, "visitor-new-cli", age_days=0)
    engine.dispose()

    exported = privacy(url, "export", new["booking"], "--by", "alex")
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["conversation_ids"] == ["visitor-new-cli"]

    purged = privacy(url, "purge")
    assert purged.returncode == 0, purged.stderr
    assert "deleted      2  conversations" in purged.stdout
    assert privacy(url, "export", old["booking"], "--by", "alex").returncode == 1

    erased = privacy(url, "erase", new["ticket"], "--by", "alex")
    assert erased.returncode == 0 and "erased      2  events" in erased.stdout
    assert privacy(url, "export", new["booking"], "--by", "alex").returncode == 1


def test_a_database_without_the_schema_is_named_not_a_traceback(
    tmp_path: Path,
) -> None:
    result = privacy(f"sqlite:///{tmp_path / 'empty.db'}", "purge")
    assert result.returncode == 3
    assert "make migrate" in result.stdout and "Traceback" not in result.stderr
