"""Crisis detection on every crisis set, in process: ``make crisis-report``.

Prints detected / total for each set in tests/crisis (the required set and the
extra fresh/ and unseen/ sets), for the model given or the current one. The test
suite checks the required set through the real server; this is for measuring the
extra sets after a change to the training data or the phrases.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from clinic.evaluation import label_from_parse, read_message_sets

SETS = ("", "fresh/", "unseen/")


async def crisis_counts(model: str) -> None:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    for folder in SETS:
        for name in ("crisis_messages", "non_crisis_messages"):
            path = Path("tests/crisis") / f"{folder}{name}.yml"
            groups = read_message_sets(path).values()
            texts = [text for group in groups for text in group]
            labels = [label_from_parse(await agent.parse_message(t)) for t in texts]
            detected = sum(label == "crisis" for label in labels)
            print(f"{path}: {detected} / {len(texts)} labelled crisis")


if __name__ == "__main__":
    asyncio.run(crisis_counts(sys.argv[1]))
