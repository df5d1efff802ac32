"""The names staff read for the assistant's labels (``faq/cost`` → "Cost and
insurance"): Insights shows these, its CSV files both.

A topic staff add in the console is named by the first part of what they wrote
under "What it covers" (``described_topics``), or else by its key in words
("faq/travel_tips" → "Travel tips").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from clinic.content.topics import DATA_DIR, DOMAIN_DIR, ContentRepository, yaml_files
from clinic.intent_names import (
    BOOK_APPOINTMENT,
    CLINIC_INFO,
    CRISIS,
    END_HANDOFF,
    HUMAN_HANDOFF,
    INFORM,
    NLU_FALLBACK,
    OUT_OF_SCOPE,
    topic_of,
)

TOPIC_NAMES = {
    "faq/mechanism": "How ketamine works",
    "faq/side_effects": "Side effects",
    "faq/ketamine_vs_ssri": "Ketamine vs antidepressants",
    "faq/ssri_together": "Current medicines with ketamine",
    "faq/session": "What a session is like",
    "faq/schedule": "How many treatments, how often",
    "faq/effectiveness": "Does it work",
    "faq/eligibility": "Who it is for",
    "faq/trd": "Treatment-resistant depression",
    "faq/safety": "Safety",
    "faq/consultation": "The first consultation",
    "faq/depression_symptoms": "Signs of depression",
    "faq/cost": "Cost and insurance",
    "faq/preparation": "Preparing for a session",
    "faq/spravato": "Spravato (esketamine)",
    "faq/other_conditions": "Conditions other than depression",
    "faq/aftercare": "After a session",
    "faq/therapy": "Therapy alongside ketamine",
    "faq/at_home": "At-home ketamine",
    "faq/care_team": "Who gives the treatment",
    BOOK_APPOINTMENT: "Booking",
    HUMAN_HANDOFF: "Asked for a person",
    "help": "Asked what the assistant can do",
    CLINIC_INFO: "Clinic address and hours",
    CRISIS: "Crisis",
    NLU_FALLBACK: "Not understood",
    "greet": "Greeting",
    "goodbye": "Goodbye",
    "thank": "Thanks",
    "affirm": "Yes",
    "deny": "No",
    "bot_challenge": "Asked whether it is a person",
    "cancel": "Cancel",
    INFORM: "Gave a detail (a name, a time)",
    END_HANDOFF: "Ended a live chat",
    OUT_OF_SCOPE: "Out of scope",
}


def topic_name(label: str, described: Mapping[str, str] | None = None) -> str:
    """The name for a label; ``out_of_scope/<kind>`` names its kind too;
    ``described`` names the topics staff added (``described_topics``)."""
    if label in TOPIC_NAMES:
        return TOPIC_NAMES[label]
    if described and label in described:
        return described[label]
    if label.startswith(f"{OUT_OF_SCOPE}/"):
        kind = label.split("/", 1)[1]
        return f"{TOPIC_NAMES[OUT_OF_SCOPE]}: {in_words(kind).lower()}"
    return in_words(label.split("/", 1)[-1])


def described_topics(root: Path) -> dict[str, str]:
    """Names for the topics without one above, from their "What it covers"
    description in the content files of the project at ``root``; read again
    only when a content file changed (each Insights visit asks)."""
    return dict(_described_topics(Path(root), _content_files_state(Path(root))))


def _content_files_state(root: Path) -> tuple[tuple[str, int], ...]:
    return tuple(
        (str(path), path.stat().st_mtime_ns)
        for directory in (DATA_DIR, DOMAIN_DIR)
        for path in yaml_files(root / directory)
    )


@lru_cache(maxsize=4)
def _described_topics(
    root: Path, _state: tuple[tuple[str, int], ...]
) -> dict[str, str]:
    names: dict[str, str] = {}
    for topic in ContentRepository(root).topics():
        label = topic_of(topic.name)
        if label.startswith(f"{OUT_OF_SCOPE}/") or label in TOPIC_NAMES:
            continue  # named above, or by its kind
        if topic.description:
            names.setdefault(label, name_from_description(topic.description))
    return names


NAME_CHARS = 60


def name_from_description(description: str) -> str:
    """The description up to its first colon, semicolon or full stop
    ("parking and travel: where to park, ..." → "Parking and travel"), cut at a
    word to fit a chart's label."""
    first = re.split(r"[:;.]\s", description.strip() + " ", maxsplit=1)[0].strip()
    if len(first) > NAME_CHARS:
        first = first[:NAME_CHARS].rsplit(" ", 1)[0].rstrip(",") + "…"
    return in_words(first)


def in_words(key: str) -> str:
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]
