"""The project's real spaCy pipeline, built once per test run."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from clinic.nlp import figurative, normalizer  # noqa: F401  (register the factories)

PIPELINE = Path(__file__).resolve().parents[2] / ".spacy" / "clinic_en"


@pytest.fixture(scope="session")
def nlp() -> Language:
    if not (PIPELINE / "meta.json").exists():
        pytest.fail("the spaCy pipeline is missing: run bash scripts/setup.sh")
    return spacy.load(PIPELINE)
