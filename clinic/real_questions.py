"""Real visitors' questions: the sets that measure the assistant, kept apart.

``research/real_questions/`` holds messages real people wrote on public clinic
FAQ pages, Spravato provider pages and patient forums, each with its source URL
and the answer it should get. They were split once, by source site, into a
training part and a held-out part (research/real_questions/README.md): the
held-out part never enters training; the training part is written into
``data/real/visitors.yml`` by

    python -m clinic.real_questions write-training

(a test fails when that file is out of date or a held-out text is in data/).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from clinic.intent_names import CRISIS, OUT_OF_SCOPE

ROOT = Path(__file__).resolve().parents[1]
SETS_DIR = ROOT / "research" / "real_questions"
QUESTIONS_FILE = "questions.yml"
CRISIS_FILE = "crisis.yml"
TRAINING_FILE = ROOT / "data" / "real" / "visitors.yml"
TRAIN, HELDOUT = "train", "heldout"
# The training file's intent metadata: the classifier weighs these examples by
# its source_weights (config.yml).
SOURCE = "real_visitors"
CRISIS_SET = "crisis"


@dataclass(frozen=True)
class RealMessage:
    text: str
    label: str  # the contract's label (faq/safety, out_of_scope, crisis ...)
    answer: str  # the answer key it should get (faq/safety.addiction ...)
    url: str
    split: str
    set: str = ""  # crisis.yml only: crisis | benign

    @property
    def is_crisis(self) -> bool:
        return self.set == CRISIS_SET or self.label == CRISIS


def read_messages(path: Path) -> list[RealMessage]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        RealMessage(
            text=str(item["text"]),
            label=str(item["label"]),
            answer=str(item.get("answer") or item["label"]),
            url=str(item["url"]),
            split=str(item["split"]),
            set=str(item.get("set") or ""),
        )
        for item in items
    ]


def questions(
    split: str | None = None, directory: Path = SETS_DIR
) -> list[RealMessage]:
    return [
        m
        for m in read_messages(directory / QUESTIONS_FILE)
        if split is None or m.split == split
    ]


def crisis_posts(
    split: str | None = None, directory: Path = SETS_DIR
) -> list[RealMessage]:
    return [
        m
        for m in read_messages(directory / CRISIS_FILE)
        if split is None or m.split == split
    ]


def one_line(text: str) -> str:
    """Rasa's examples are one line each."""
    return " ".join(text.split())


def training_intent(message: RealMessage) -> str | None:
    """The intent a training item teaches (None: no intent can hold it)."""
    if message.is_crisis:
        return CRISIS
    if message.answer == OUT_OF_SCOPE:
        return None  # out_of_scope needs its kind (out_of_scope/medical_advice)
    return message.answer


def training_yaml(messages: Iterable[RealMessage], known: set[str]) -> str:
    """Rasa NLU YAML of the training part, one block per intent, skipping the
    ``known`` texts (normalised)."""
    from clinic.evaluation import normalised

    by_intent: dict[str, list[str]] = defaultdict(list)
    seen = set(known)
    for message in messages:
        intent = training_intent(message)
        text = one_line(message.text)
        if intent is None or not text or normalised(text) in seen:
            continue
        seen.add(normalised(text))
        by_intent[intent].append(text)
    lines = [
        "# Real visitors' messages, the training part (research/real_questions).",
        "# Written by: python -m clinic.real_questions write-training. Do not edit:",
        "# edit research/real_questions/*.yml and rerun.",
        'version: "3.1"',
        "nlu:",
    ]
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  metadata:", f"    source: {SOURCE}"]
        lines += ["  examples: |"]
        lines += [f"    - {text}" for text in by_intent[intent]]
    return "\n".join(lines) + "\n"


def written_examples(data_dir: Path, exclude: Path) -> set[str]:
    from clinic.evaluation import normalised, read_nlu_examples

    return {
        normalised(example.text)
        for path in sorted(data_dir.rglob("*.yml"))
        if path.resolve() != exclude.resolve()
        for example in read_nlu_examples(path)
    }


def written_test_messages(root: Path) -> set[str]:
    from clinic.evaluation import normalised, read_nlu_examples

    return {
        normalised(example.text)
        for example in read_nlu_examples(root / "tests" / "nlu" / "test_nlu.yml")
    }


def expected_training_file(root: Path = ROOT) -> str:
    """The training part, without what the written data already has or the
    written held-out set tests."""
    training = questions(TRAIN) + crisis_posts(TRAIN)
    known = written_examples(root / "data", TRAINING_FILE) | written_test_messages(root)
    return training_yaml(training, known)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clinic.real_questions")
    parser.add_argument("command", choices=["write-training", "summary"])
    arguments = parser.parse_args(argv)
    if arguments.command == "summary":
        for split in (TRAIN, HELDOUT):
            print(
                f"{split}: {len(questions(split))} questions, "
                f"{len(crisis_posts(split))} crisis-set posts"
            )
        return 0
    TRAINING_FILE.parent.mkdir(parents=True, exist_ok=True)
    TRAINING_FILE.write_text(expected_training_file(), encoding="utf-8")
    print(f"real questions: training part written to {TRAINING_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
