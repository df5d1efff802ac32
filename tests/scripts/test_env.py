"""scripts/env.sh, sourced as every script sources it, in a copy of the layout."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def source_env(project: Path) -> None:
    (project / "scripts").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "scripts" / "env.sh", project / "scripts" / "env.sh")
    subprocess.run(
        ["bash", "-c", "unset RASA_AUTH_TOKEN; source scripts/env.sh"],
        cwd=project,
        check=True,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_var_and_the_api_token_are_the_service_users_only(tmp_path: Path) -> None:
    source_env(tmp_path)
    assert mode(tmp_path / "var") == 0o700
    token = tmp_path / "var" / "rasa_token"
    assert mode(token) == 0o600
    assert len(token.read_text().strip()) >= 32


def test_a_var_made_by_an_earlier_version_is_closed_too(tmp_path: Path) -> None:
    (tmp_path / "var").mkdir(mode=0o755)
    (tmp_path / "var" / "rasa_token").write_text("an-old-token\n")
    (tmp_path / "var" / "rasa_token").chmod(0o644)
    source_env(tmp_path)
    assert mode(tmp_path / "var") == 0o700
    assert mode(tmp_path / "var" / "rasa_token") == 0o600
    assert (tmp_path / "var" / "rasa_token").read_text() == "an-old-token\n"
