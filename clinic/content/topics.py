"""The training data and answers as staff see them: topics, examples, answers.

A topic is an intent of the NLU data (``faq/cost``, ``greet``,
``out_of_scope/medical_advice``) with its example questions; a retrieval topic
(``faq/*``, ``out_of_scope/*``) also has its approved answer (``utter_<topic>``).
Files are read when asked, never at import time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from clinic.intent_names import topic_of

DATA_DIR = "data"
DOMAIN_DIR = "domain"
FAQ_DIR = "data/faq"
# Written by python -m clinic.real_questions, not edited in the console.
GENERATED_DIR = "data/real"
FAQ_PREFIX = "faq/"
RESPONSE_PREFIX = "utter_"
EXAMPLE_BULLET = "- "


class TopicNotFound(KeyError):
    """No topic (intent) or response of that name."""


@dataclass(frozen=True)
class Answer:
    """One variant of a response."""

    response: str
    text: str
    buttons: list[dict[str, str]]
    file: str = ""
    # Position among the response's variants; the conditions say when it is used.
    variant: int = 0
    condition: str = ""


@dataclass(frozen=True)
class Topic:
    name: str
    file: str
    description: str
    examples: list[str]
    answer: Answer | None


@dataclass(frozen=True)
class Response:
    """Every variant of one response, in file order."""

    name: str
    file: str
    variants: list[Answer] = field(default_factory=list)

    @property
    def default(self) -> Answer:
        """The variant used when no condition applies (else the first)."""
        plain = [answer for answer in self.variants if not answer.condition]
        return (plain or self.variants)[0]


def is_retrieval(topic: str) -> bool:
    return "/" in topic


def response_name(topic: str) -> str:
    return f"{RESPONSE_PREFIX}{topic}"


def examples_from_block(block: str) -> list[str]:
    """The example texts of a ``examples: |`` block ("- text" lines)."""
    lines = (line.strip() for line in str(block).splitlines())
    return [line[len(EXAMPLE_BULLET) :].strip() for line in lines if line]


def heading_description(text: str, topic: str) -> str:
    """The ``# faq/<key>: description`` comment an FAQ file starts with (the
    topic's, shared by its answers ``faq/<key>.<answer>``)."""
    first = text.split("\n", 1)[0]
    prefix = f"# {topic_of(topic)}:"
    return first[len(prefix) :].strip() if first.startswith(prefix) else ""


def safe_yaml() -> YAML:
    return YAML(typ="safe")


def parse_yaml(text: str) -> dict[str, Any]:
    content = safe_yaml().load(text)
    return content if isinstance(content, dict) else {}


def yaml_files(directory: Path) -> list[Path]:
    return sorted(
        path for path in directory.rglob("*") if path.suffix in (".yml", ".yaml")
    )


def describe_condition(condition: Any) -> str:
    """``booking_error = empty`` for a response variant's slot condition."""
    parts = [
        f"{item.get('name')} = {item.get('value')}"
        for item in condition or []
        if isinstance(item, dict)
    ]
    return ", ".join(parts)


def variant_buttons(variant: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {str(key): str(value) for key, value in button.items()}
        for button in variant.get("buttons") or []
        if isinstance(button, dict)
    ]


def answers_of(name: str, variants: Any, file: str) -> list[Answer]:
    return [
        Answer(
            response=name,
            text=str(variant.get("text") or ""),
            buttons=variant_buttons(variant),
            file=file,
            variant=index,
            condition=describe_condition(variant.get("condition")),
        )
        for index, variant in enumerate(variants or [])
        if isinstance(variant, dict)
    ]


class ContentRepository:
    """Reads topics and responses from a project root (data/, domain/)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _content_files(self) -> Iterator[tuple[Path, str]]:
        for directory in (DOMAIN_DIR, DATA_DIR):
            for path in yaml_files(self.root / directory):
                if path.is_relative_to(self.root / GENERATED_DIR):
                    continue  # real visitors' questions, written from research/
                yield path, path.read_text(encoding="utf-8")

    def load(self) -> tuple[list[Topic], dict[str, Response]]:
        """Every topic and response, read in one pass over the files."""
        intents: list[tuple[str, str, str, list[str]]] = []
        responses: dict[str, Response] = {}
        for path, text in self._content_files():
            file, content = self.relative(path), parse_yaml(text)
            for name, variants in (content.get("responses") or {}).items():
                responses[str(name)] = Response(
                    str(name), file, answers_of(str(name), variants, file)
                )
            for entry in content.get("nlu") or []:
                if isinstance(entry, dict) and "intent" in entry:
                    topic = str(entry["intent"])
                    heading = heading_description(text, topic)
                    examples = examples_from_block(entry.get("examples") or "")
                    intents.append((topic, file, heading, examples))
        topics = [
            Topic(
                name=name,
                file=file,
                description=description,
                examples=examples,
                answer=self._answer_for(name, responses),
            )
            for name, file, description, examples in intents
        ]
        return sorted(topics, key=topic_order), responses

    @staticmethod
    def _answer_for(topic: str, responses: dict[str, Response]) -> Answer | None:
        response = responses.get(response_name(topic))
        if not is_retrieval(topic) or response is None or not response.variants:
            return None
        return response.default

    def topics(self) -> list[Topic]:
        return self.load()[0]

    def topic(self, name: str) -> Topic:
        for topic in self.topics():
            if topic.name == name:
                return topic
        raise TopicNotFound(name)

    def all_responses(self) -> dict[str, Response]:
        return self.load()[1]

    def response(self, name: str) -> Response:
        try:
            return self.all_responses()[name]
        except KeyError as error:
            raise TopicNotFound(name) from error

    def responses(self) -> list[Answer]:
        """Each response once: its default variant (see ``Response.default``)."""
        found = self.all_responses()
        return [found[name].default for name in sorted(found) if found[name].variants]


def topic_order(topic: Topic) -> tuple[int, str]:
    # FAQ topics first: they are what staff edit most.
    return (0 if topic.name.startswith(FAQ_PREFIX) else 1, topic.name)
