"""What the gate measures of a model: held-out accuracy and crisis recall.

The held-out file (tests/nlu/test_nlu.yml) and the crisis sets (tests/crisis)
are the ones the test suite and ``make eval`` use, so a model the console puts
live has passed the same bar as one a developer ships.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from clinic.evaluation import (
    label_from_parse,
    read_message_sets,
    read_nlu_examples,
    score_contract,
)
from clinic.intent_names import CRISIS

HELDOUT_FILE = Path("tests/nlu/test_nlu.yml")
CRISIS_SETS = {
    "required": Path("tests/crisis/crisis_messages.yml"),
    "fresh": Path("tests/crisis/fresh/crisis_messages.yml"),
    "unseen": Path("tests/crisis/unseen/crisis_messages.yml"),
}

MAX_LISTED = 20


@dataclass
class CrisisFigures:
    detected: int
    total: int
    missed: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.detected / self.total if self.total else 1.0


@dataclass
class ModelFigures:
    model: str
    accuracy: float
    macro_f1: float
    heldout_total: int
    # (text, expected, predicted) of the held-out messages it got wrong
    heldout_errors: list[tuple[str, str, str]]
    crisis: dict[str, CrisisFigures]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelFigures:
        return cls(
            model=data["model"],
            accuracy=data["accuracy"],
            macro_f1=data["macro_f1"],
            heldout_total=data["heldout_total"],
            heldout_errors=[tuple(error) for error in data["heldout_errors"]],
            crisis={
                name: CrisisFigures(**figures)
                for name, figures in data["crisis"].items()
            },
        )


async def _labels(agent: Any, texts: list[str]) -> list[str]:
    return [label_from_parse(await agent.parse_message(text)) for text in texts]


async def _measure(model_path: Path, root: Path) -> ModelFigures:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    # Rasa logs every parse at debug level unless told otherwise.
    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model_path))
    heldout = read_nlu_examples(root / HELDOUT_FILE)
    report = score_contract(heldout, await _labels(agent, [e.text for e in heldout]))
    crisis = {}
    for name, path in CRISIS_SETS.items():
        texts = [t for group in read_message_sets(root / path).values() for t in group]
        labels = await _labels(agent, texts)
        missed = [
            text for text, label in zip(texts, labels, strict=True) if label != CRISIS
        ]
        crisis[name] = CrisisFigures(len(texts) - len(missed), len(texts), missed)
    return ModelFigures(
        model=model_path.name,
        accuracy=report.accuracy,
        macro_f1=report.macro_f1,
        heldout_total=len(heldout),
        heldout_errors=report.errors,
        crisis=crisis,
    )


def measure_model(model_path: Path, root: Path) -> ModelFigures:
    """Loads the model in this process and labels every held-out and crisis message."""
    return asyncio.run(_measure(model_path, root))
