"""The gate a candidate model must pass before it is put live."""

from __future__ import annotations

from dataclasses import dataclass, field

from clinic.training.figures import MAX_LISTED, ModelFigures

# Held-out accuracy may drop by at most one point (0.01) from the serving model.
ALLOWED_ACCURACY_DROP = 0.01


@dataclass
class Verdict:
    passed: bool
    # What regressed, in words staff can read; empty when the gate passed.
    reasons: list[str] = field(default_factory=list)
    # Held-out messages the candidate gets wrong that the serving model got right.
    newly_wrong: list[tuple[str, str, str]] = field(default_factory=list)


def _crisis_reasons(candidate: ModelFigures) -> list[str]:
    reasons = []
    for name, figures in candidate.crisis.items():
        if figures.detected < figures.total:
            missed = "; ".join(f'"{text}"' for text in figures.missed[:MAX_LISTED])
            reasons.append(
                f"Crisis messages ({name} set): {figures.detected} of {figures.total} "
                f"recognised, {figures.total - figures.detected} missed: {missed}"
            )
    return reasons


def _accuracy_reason(candidate: ModelFigures, live: ModelFigures) -> list[str]:
    drop = live.accuracy - candidate.accuracy
    if drop <= ALLOWED_ACCURACY_DROP + 1e-9:
        return []
    return [
        f"Held-out accuracy fell from {live.accuracy:.1%} to {candidate.accuracy:.1%} "
        f"({drop * 100:.1f} points; at most {ALLOWED_ACCURACY_DROP * 100:.0f} allowed)"
    ]


def newly_wrong(
    candidate: ModelFigures, live: ModelFigures
) -> list[tuple[str, str, str]]:
    was_wrong = {text for text, _, _ in live.heldout_errors}
    return [error for error in candidate.heldout_errors if error[0] not in was_wrong]


def judge(candidate: ModelFigures, live: ModelFigures | None) -> Verdict:
    """Crisis recall must stay 100% on every crisis set; held-out accuracy must not
    drop by more than one point from the serving model's."""
    reasons = _crisis_reasons(candidate)
    if live is not None:
        reasons += _accuracy_reason(candidate, live)
    regressions = newly_wrong(candidate, live) if live is not None else []
    return Verdict(passed=not reasons, reasons=reasons, newly_wrong=regressions)
