"""How a staff edit changes a content file's text, planned before anything is
written: ruamel.yaml's round trip keeps comments, key order, quoting and the
block styles of untouched parts; answers are folded at the files' width."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
)

from clinic.content.project_content import Problem
from clinic.content.topics import (
    EXAMPLE_BULLET,
    FAQ_PREFIX,
    response_name,
)

# Folded answers are wrapped at this column, as the project's files are.
ANSWER_WIDTH = 80


class ContentRejected(Exception):
    """The edit would break a rule; ``problems`` say which and what to do."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


def round_trip_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    # The project's layout: "key:\n- item" and block scalars indented by two.
    yaml.indent(mapping=2, sequence=2, offset=0)
    # Never re-wrap untouched long lines; new answers are folded by fold_positions.
    yaml.width = 4096
    return yaml


def load_round_trip(text: str) -> Any:
    return round_trip_yaml().load(text)


def dump_round_trip(document: Any) -> str:
    stream = io.StringIO()
    round_trip_yaml().dump(document, stream)
    return stream.getvalue()


def clean_text(text: str) -> str:
    """Trailing spaces and surrounding blank lines removed, line by line."""
    lines = [line.strip() for line in text.strip().splitlines()]
    return "\n".join(lines)


def fold_positions(text: str, width: int) -> list[int]:
    """Where to break a folded scalar: single spaces, greedy, within ``width``."""
    positions: list[int] = []
    line_start = 0
    last_space = -1
    for index, char in enumerate(text):
        if char == "\n":
            line_start, last_space = index + 1, -1
            continue
        foldable = (
            char == " "
            and 0 < index < len(text) - 1
            and not text[index - 1].isspace()
            and not text[index + 1].isspace()
        )
        if index - line_start >= width and last_space > line_start:
            positions.append(last_space)
            line_start = last_space + 1
        if foldable:
            last_space = index
    return positions


def folded(text: str, indent: int) -> FoldedScalarString:
    scalar = FoldedScalarString(text)
    scalar.fold_pos = fold_positions(text, ANSWER_WIDTH - indent)  # type: ignore[attr-defined]
    return scalar


def restyled(old: Any, new: str, indent: int) -> Any:
    """``new`` in the style of ``old``: one-line styles stay if it fits."""
    fits = "\n" not in new and indent + len(new) <= ANSWER_WIDTH
    if isinstance(old, LiteralScalarString):
        return LiteralScalarString(new)
    if isinstance(old, FoldedScalarString) or not fits:
        return folded(new, indent)
    return type(old)(new) if isinstance(old, str) and type(old) is not str else new


def text_indent(variant: CommentedMap) -> int:
    """Column of a response text's lines: two more than its ``text:`` key."""
    return variant.lc.key("text")[1] + 2 if "text" in variant else 6


def example_lines(block: str) -> list[str]:
    return str(block).splitlines()


def example_of(line: str) -> str:
    stripped = line.strip()
    return stripped[len(EXAMPLE_BULLET) :].strip() if stripped else ""


def examples_block(lines: list[str]) -> LiteralScalarString:
    return LiteralScalarString("".join(f"{line}\n" for line in lines))


def clean_example(text: str) -> str:
    example = " ".join(text.split())
    return (
        example[len(EXAMPLE_BULLET) :].strip() if example.startswith("- ") else example
    )


def rejected(message: str, topic: str = "", detail: str = "") -> ContentRejected:
    return ContentRejected([Problem(message, topic=topic, detail=detail)])


def nlu_entry(document: Any, topic: str) -> CommentedMap:
    for entry in document.get("nlu") or []:
        if isinstance(entry, dict) and entry.get("intent") == topic:
            return entry
    raise rejected(f"The topic {topic} does not exist.", topic)


def response_variant(document: Any, response: str, variant: int) -> CommentedMap:
    variants = (document.get("responses") or {}).get(response) or []
    if not 0 <= variant < len(variants):
        raise rejected(f"The answer {response} does not exist.")
    return variants[variant]


def plan_text_change(
    file_text: str, response: str, variant: int, text: str
) -> tuple[str, str]:
    """The file with one response variant's text replaced; and the old text."""
    document = load_round_trip(file_text)
    entry = response_variant(document, response, variant)
    old = entry.get("text") or ""
    entry["text"] = restyled(old, text, text_indent(entry))
    return dump_round_trip(document), str(old)


def plan_examples_change(
    file_text: str, topic: str, change: Callable[[list[str]], list[str]]
) -> str:
    document = load_round_trip(file_text)
    entry = nlu_entry(document, topic)
    entry["examples"] = examples_block(change(example_lines(entry["examples"])))
    return dump_round_trip(document)


def line_index(lines: list[str], example: str, topic: str) -> int:
    for index, line in enumerate(lines):
        if example_of(line) == example.strip():
            return index
    raise rejected(
        f'"{example}" is not an example question of {topic}.', topic, example
    )


def bullet_like(lines: list[str], example: str) -> str:
    """A new example line indented like the block's other lines."""
    sample = next((line for line in lines if line.strip()), EXAMPLE_BULLET)
    indent = sample[: len(sample) - len(sample.lstrip())]
    return f"{indent}{EXAMPLE_BULLET}{example}"


def faq_file_text(
    key: str,
    description: str,
    answer: str,
    examples: list[str],
    buttons: list[dict[str, str]],
) -> str:
    """A new data/faq/<key>.yml laid out like the others."""
    topic = f"{FAQ_PREFIX}{key}"
    variant = CommentedMap([("text", folded(answer, 6))])
    if buttons:
        variant["buttons"] = CommentedSeq(
            CommentedMap(
                (name, DoubleQuotedScalarString(button[name]))
                for name in ("title", "payload")
            )
            for button in buttons
        )
    document = CommentedMap(
        [
            ("version", DoubleQuotedScalarString("3.1")),
            (
                "nlu",
                CommentedSeq(
                    [
                        CommentedMap(
                            [
                                ("intent", topic),
                                (
                                    "examples",
                                    examples_block(
                                        [f"{EXAMPLE_BULLET}{e}" for e in examples]
                                    ),
                                ),
                            ]
                        )
                    ]
                ),
            ),
            (
                "responses",
                CommentedMap([(response_name(topic), CommentedSeq([variant]))]),
            ),
        ]
    )
    heading = " ".join(description.split())
    return f"# {topic}: {heading}\n{dump_round_trip(document)}"
