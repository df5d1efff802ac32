"""scripts/env.sh, sourced as every script sources it, in a copy of the layout."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def source_env(project: Path, then: str = "true") -> str:
    (project / "scripts").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "scripts" / "env.sh", project / "scripts" / "env.sh")
    return subprocess.run(
        [
            "bash",
            "-c",
            "unset RASA_AUTH_TOKEN ACTION_SERVER_TOKEN ACTION_HOST PGCONNECT_TIMEOUT; "
            f"source scripts/env.sh; {then}",
        ],
        cwd=project,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_var_and_the_api_token_are_the_service_users_only(tmp_path: Path) -> None:
    source_env(tmp_path)
    assert mode(tmp_path / "var") == 0o700
    token = tmp_path / "var" / "rasa_token"
    assert mode(token) == 0o600
    assert len(token.read_text().strip()) >= 32
    action_token = tmp_path / "var" / "action_token"
    assert mode(action_token) == 0o600
    assert action_token.read_text() != token.read_text()


def test_the_action_server_gets_a_secret_and_loopback_by_default(
    tmp_path: Path,
) -> None:
    script = (
        "python3 -c \"import os; print(os.environ['ACTION_HOST']); "
        "print(os.environ['ACTION_SERVER_TOKEN'])\""
    )
    host, token = source_env(tmp_path, script).split()
    assert host == "127.0.0.1"
    assert token == (tmp_path / "var" / "action_token").read_text().strip()


def test_a_var_made_by_an_earlier_version_is_closed_too(tmp_path: Path) -> None:
    (tmp_path / "var").mkdir(mode=0o755)
    (tmp_path / "var" / "rasa_token").write_text("an-old-token\n")
    (tmp_path / "var" / "rasa_token").chmod(0o644)
    (tmp_path / "var" / "log").mkdir(mode=0o755)
    for old_file in ("clinic.db", "clinic.db-wal", "log/actions.log"):
        (tmp_path / "var" / old_file).write_text("")
        (tmp_path / "var" / old_file).chmod(0o644)
    source_env(tmp_path)
    assert mode(tmp_path / "var") == 0o700
    assert mode(tmp_path / "var" / "log") == 0o700
    for private in ("rasa_token", "clinic.db", "clinic.db-wal", "log/actions.log"):
        assert mode(tmp_path / "var" / private) == 0o600, private
    assert (tmp_path / "var" / "rasa_token").read_text() == "an-old-token\n"


def test_postgresql_connections_get_a_connect_timeout(tmp_path: Path) -> None:
    """libpq reads PGCONNECT_TIMEOUT; without it a lost host waits for TCP
    (a blackholed address cannot be reached from these machines to time it)."""
    script = "python3 -c \"import os; print(os.environ['PGCONNECT_TIMEOUT'])\""
    assert source_env(tmp_path, script).strip() == "5"
