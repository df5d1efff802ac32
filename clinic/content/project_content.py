"""What the content rules read, once per check: topics, answers, the domain's
intents and slots, and the placeholders the response generator fills."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from clinic.content.topics import (
    DOMAIN_DIR,
    ContentRepository,
    Response,
    Topic,
    parse_yaml,
    yaml_files,
)
from clinic.settings import load_settings

# Values an action passes with its response (actions/forms.py: reference=...).
ACTION_VALUES = frozenset({"reference"})


@dataclass(frozen=True)
class Problem:
    message: str
    topic: str = ""
    detail: str = ""


@dataclass(frozen=True)
class ProjectContent:
    """What the clinic's rules look at, read once."""

    topics: list[Topic]
    responses: dict[str, Response]
    intents: frozenset[str]
    slots: frozenset[str]
    placeholders: frozenset[str]


def normalise(text: str) -> str:
    """Lower case, punctuation and symbols removed, spaces collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    spaced = "".join(
        " " if unicodedata.category(char)[0] in "PS" else char for char in folded
    )
    return " ".join(spaced.split())


def domain_names(root: Path) -> tuple[frozenset[str], frozenset[str]]:
    """The intents and slots the domain declares."""
    intents: set[str] = set()
    slots: set[str] = set()
    for path in yaml_files(root / DOMAIN_DIR):
        content = parse_yaml(path.read_text(encoding="utf-8"))
        for intent in content.get("intents") or []:
            intents.add(str(next(iter(intent)) if isinstance(intent, dict) else intent))
        slots.update(str(name) for name in content.get("slots") or {})
    return frozenset(intents), frozenset(slots)


def settings_placeholders(root: Path) -> frozenset[str]:
    """Placeholders the response generator fills (clinic/nlg.py)."""
    from clinic.nlg import booking_values  # imports Rasa: only when validating

    settings = load_settings(
        root / "config" / "clinic.yml", root / "config" / "crisis_resources.yml"
    )
    return frozenset(settings.template_values()) | frozenset(booking_values({}))


def read_content(root: Path) -> ProjectContent:
    topics, responses = ContentRepository(root).load()
    intents, slots = domain_names(root)
    placeholders = settings_placeholders(root) | slots | ACTION_VALUES
    return ProjectContent(topics, responses, intents, slots, placeholders)


def answer_topic(response: str) -> str:
    return response.removeprefix("utter_") if "/" in response else ""
