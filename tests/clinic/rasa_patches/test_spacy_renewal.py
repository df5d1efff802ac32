"""The served spaCy pipeline is renewed once it has learnt too many strings
(clinic/rasa_patches/spacy_renewal.py), and the crisis detector follows it."""

from __future__ import annotations

import random

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from clinic.rasa_patches.spacy_renewal import renew_spacy_when_grown, renew_when_grown
from tests.clinic.components.test_crisis_detector import (
    PHRASES,
    CrisisDetector,
    parsed,
)
from tests.clinic.conftest import PIPELINE


def junk(seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(
        "".join(chr(rng.randint(0x400, 0x2FFF)) for _ in range(rng.randint(1, 6)))
        for _ in range(40)
    )


def served() -> SpacyModel:
    return SpacyNLP.load_model(str(PIPELINE))


def test_a_pipeline_that_learnt_too_much_is_loaded_again() -> None:
    model = served()
    first = model.model
    assert not renew_when_grown(model, limit=100), "the first call notes the size"
    at_load = len(first.vocab.strings)
    first(junk(1))
    assert not renew_when_grown(model, limit=10_000), "under the limit: kept"
    for seed in range(2, 6):
        first(junk(seed))
    assert len(first.vocab.strings) - at_load > 100
    assert renew_when_grown(model, limit=100)
    assert model.model is not first
    assert len(model.model.vocab.strings) < at_load + 10


def test_the_crisis_detector_follows_a_renewed_pipeline() -> None:
    detector = CrisisDetector({"phrases_file": str(PHRASES)} | DETECTOR_DEFAULTS)
    model = served()
    renew_when_grown(model, limit=0)
    for renewal in range(3):
        model.model(junk(renewal))
        assert renew_when_grown(model, limit=0)
        message = parsed(model.model, "i want to kill myself", [("faq/cost", 0.9)])
        [result] = detector.process([message], model)
        assert result.get(INTENT)["name"] == "crisis", renewal


def test_rasas_spacy_component_renews_before_it_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("clinic.rasa_patches.spacy_renewal.MAX_NEW_STRINGS", 100)
    monkeypatch.setattr(SpacyNLP, "process", SpacyNLP.process)  # undone after
    renew_spacy_when_grown()
    model = served()
    component = SpacyNLP(model, {})
    first = model.model
    component.process([Message({TEXT: "hello"})], model)
    first(junk(7))
    [message] = component.process([Message({TEXT: "how much is it"})], model)
    assert model.model is not first
    assert message.get(SPACY_DOCS[TEXT]).vocab is model.model.vocab


DETECTOR_DEFAULTS = {"close_call_confidence": 0.4}
