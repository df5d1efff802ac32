"""Quick in-process evaluation of a model: held-out NLU set and crisis sets.

Usage: python scripts/quick_eval.py MODEL.tar.gz
(The test suite does the same through the real server; docs/nlu.md is made by
scripts/nlu_report.py.)
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from rasa.core.agent import Agent

from clinic.evaluation import (
    label_from_parse,
    read_message_sets,
    read_nlu_examples,
    score_contract,
)


async def labels_for(agent: Agent, texts: list[str]) -> list[str]:
    return [label_from_parse(await agent.parse_message(text)) for text in texts]


async def main(model: str) -> None:
    agent = Agent.load(model)
    heldout = read_nlu_examples(Path("tests/nlu/test_nlu.yml"))
    predicted = await labels_for(agent, [e.text for e in heldout])
    report = score_contract(heldout, predicted)
    print(f"held-out accuracy {report.accuracy:.3f} macro F1 {report.macro_f1:.3f}")
    for label, s in sorted(report.per_label.items(), key=lambda kv: kv[1].f1):
        scores = f"f1 {s.f1:.2f} p {s.precision:.2f} r {s.recall:.2f} n {s.support}"
        print(f"  {label:28s} {scores}")
    for text, want, got in report.errors:
        print(f"  MISS {want} -> {got}: {text}")
    crisis = read_message_sets(Path("tests/crisis/crisis_messages.yml"))
    benign = read_message_sets(Path("tests/crisis/non_crisis_messages.yml"))
    for name, sets, want in (("crisis", crisis, True), ("non-crisis", benign, False)):
        total = wrong = 0
        for category, texts in sets.items():
            for text, label in zip(texts, await labels_for(agent, texts), strict=True):
                total += 1
                if (label == "crisis") != want:
                    wrong += 1
                    print(f"  {name.upper()} WRONG [{category}] {label}: {text}")
        print(f"{name}: {wrong} wrong of {total}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
