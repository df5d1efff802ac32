"""Saving a checked edit: the file written atomically, the change committed in
the staff member's name where the project is a git work tree, and copies of the
content a check or a test works on."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Files the validation of a planned edit needs, copied to a temporary project.
PROJECT_PARTS = ("data", "domain", "config.yml", "config")


GIT_TIMEOUT_SECONDS = 30

logger = logging.getLogger(__name__)


def write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        if path.exists():
            shutil.copymode(path, temporary)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        text=True,
        timeout=GIT_TIMEOUT_SECONDS,
        check=False,
    )


def inside_git_work_tree(root: Path) -> bool:
    try:
        result = git(root, "rev-parse", "--is-inside-work-tree")
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0 and result.stdout.strip() == "true"


def staff_email(username: str) -> str:
    local = re.sub(r"[^a-z0-9._-]+", "-", username.lower()).strip("-.") or "staff"
    return f"{local}@staff.invalid"


def commit_file(root: Path, file: str, message: str, username: str) -> str:
    """Commits only ``file`` (nothing else staged is included); its hash."""
    identity = [
        "-c",
        f"user.name={username}",
        "-c",
        f"user.email={staff_email(username)}",
    ]
    steps = [
        # A new file must be known to git before `commit --only` accepts it.
        ["add", "--", file],
        [*identity, "commit", "--only", "--no-verify", "-m", message, "--", file],
    ]
    for step in steps:
        result = git(root, *step)
        if result.returncode != 0:
            raise RuntimeError(f"git {step[-3:]} failed: {result.stderr.strip()}")
    return git(root, "rev-parse", "HEAD").stdout.strip()


def commit_or_log(root: Path, file: str, message: str, username: str) -> str | None:
    """The change is saved and audited even when git fails (a lock held by a
    developer, a hook): the commit is a convenience, the audit row the record."""
    try:
        return commit_file(root, file, message, username)
    except (RuntimeError, OSError, subprocess.SubprocessError):
        logger.exception("content: %s saved but not committed to git", file)
        return None


def commit_message(topic: str, kind: str, username: str) -> str:
    return f"Content: {topic} {kind.replace('_', ' ')} by {username} (staff console)"


def copy_content(root: Path, target: Path) -> Path:
    """The parts of the project at ``root`` that content edits and their checks
    read (data, domain, config), copied to ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = root / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        elif source.is_file():
            shutil.copy2(source, target / part)
    return target


@contextmanager
def project_copy(root: Path) -> Iterator[Path]:
    """A temporary copy of the parts of the project that validation reads."""
    with tempfile.TemporaryDirectory(prefix="content-check-") as directory:
        yield copy_content(root, Path(directory))
