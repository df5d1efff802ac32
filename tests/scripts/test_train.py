"""scripts/train.sh keeps a copy of each model for the machine, so that a fresh
checkout of the same inputs (CI's) reuses it instead of training again."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What the model's name is a hash of, and what train.sh needs to run.
INPUTS = ("config.yml", "domain", "data", "clinic", "scripts", "uv.lock")
INSTALLED = (".venv", ".spacy", ".encoder")


def train(project: Path, machine_cache: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLINIC_MACHINE_CACHE": machine_cache}
    for variable in ("RASA_CACHE_DIRECTORY", "CLINIC_EMBEDDING_CACHE"):
        env.pop(variable, None)  # each checkout's own, as in a fresh clone
    return subprocess.run(
        ["bash", "scripts/train.sh"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )


def fresh_checkout(target: Path) -> Path:
    target.mkdir()
    for name in INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, target / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy(source, target / name)
    for name in INSTALLED:
        (target / name).symlink_to(ROOT / name)
    return target


def test_a_fresh_checkout_of_the_same_inputs_reuses_the_machines_model(
    model_path: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "machine-cache"
    own = train(ROOT, str(cache)).stdout.strip().splitlines()[-1]
    kept = cache / "models" / Path(own).name
    assert kept.read_bytes() == (ROOT / own).read_bytes()

    checkout = fresh_checkout(tmp_path / "checkout")
    reused = train(checkout, str(cache))
    assert reused.stdout.strip().splitlines()[-1] == own
    assert f"from {cache}" in reused.stderr and "trained in" not in reused.stderr
    assert (checkout / own).read_bytes() == kept.read_bytes()
    if (ROOT / ".rasa" / "sentence-embeddings.npz").is_file():
        # so that a retraining there encodes only what changed
        assert (checkout / ".rasa" / "sentence-embeddings.npz").is_file()


def test_an_empty_machine_cache_setting_keeps_nothing_outside_the_checkout(
    model_path: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "CLINIC_MACHINE_CACHE": ""}
    env.pop("XDG_CACHE_HOME", None)
    subprocess.run(
        ["bash", "scripts/train.sh"], cwd=ROOT, env=env, check=True, timeout=900
    )
    assert not any(home.rglob("*"))
