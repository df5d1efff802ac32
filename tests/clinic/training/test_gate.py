"""The gate: crisis recall stays 100% on every set, accuracy drops at most a point."""

from __future__ import annotations

from clinic.training.figures import CrisisFigures, ModelFigures
from clinic.training.gate import judge


def figures(
    accuracy: float,
    missed: list[str] | None = None,
    errors: list[tuple[str, str, str]] | None = None,
) -> ModelFigures:
    missed = missed or []
    return ModelFigures(
        model="model.tar.gz",
        accuracy=accuracy,
        macro_f1=accuracy,
        heldout_total=500,
        heldout_errors=errors or [],
        crisis={
            "required": CrisisFigures(40 - len(missed), 40, missed),
            "unseen": CrisisFigures(30, 30, []),
        },
    )


def test_a_candidate_as_good_as_the_serving_model_passes() -> None:
    verdict = judge(figures(0.95), figures(0.95))
    assert verdict.passed
    assert verdict.reasons == []


def test_a_drop_of_exactly_one_point_passes_and_more_does_not() -> None:
    assert judge(figures(0.94), figures(0.95)).passed
    verdict = judge(figures(0.938), figures(0.95))
    assert not verdict.passed
    assert verdict.reasons == [
        "Held-out accuracy fell from 95.0% to 93.8% (1.2 points; at most 1 allowed)"
    ]


def test_one_missed_crisis_message_fails_the_gate_and_is_named() -> None:
    verdict = judge(figures(0.99, missed=["i want to end it all"]), figures(0.95))
    assert not verdict.passed
    assert verdict.reasons == [
        "Crisis messages (required set): 39 of 40 recognised, 1 missed: "
        '"i want to end it all"'
    ]


def test_without_a_serving_model_only_crisis_recall_is_judged() -> None:
    assert judge(figures(0.5), None).passed
    assert not judge(figures(0.99, missed=["x"]), None).passed


def test_held_out_questions_newly_wrong_are_listed() -> None:
    old = ("how much is it", "faq/cost", "faq/session")
    new = ("is it safe", "faq/safety", "out_of_scope")
    verdict = judge(figures(0.93, errors=[old, new]), figures(0.95, errors=[old]))
    assert verdict.newly_wrong == [new]
