"""A copy of the project's content (data, domain, config, the held-out and crisis
test sets) for tests that edit content or retrain, so the checkout is never changed."""

from __future__ import annotations

import shutil
from pathlib import Path

from clinic.content.saving import copy_content
from harness.servers import PROJECT_ROOT

# Beside the content (clinic/content/saving.py copy_content):
COPIED = (
    "endpoints.yml",
    "credentials.yml",
    "tests/nlu/test_nlu.yml",
    "tests/crisis",
)


def project_copy(destination: Path, model: Path | None = None) -> Path:
    """The copy's root; the serving model, if given, is copied into its models/."""
    copy_content(PROJECT_ROOT, destination)
    for name in COPIED:
        source, target = PROJECT_ROOT / name, destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    # The project's own spaCy pipeline (config.yml names it by a relative path).
    (destination / ".spacy").symlink_to(PROJECT_ROOT / ".spacy")
    (destination / "models").mkdir()
    if model is not None:
        shutil.copy2(model, destination / "models" / model.name)
    return destination
