"""The safety-critical rules: every crisis reply carries the region's crisis
resources, an edit never removes them, and emergency help is named by the
region's number, never a hard-coded place or service."""

from __future__ import annotations

import re

from clinic.content.project_content import Problem, ProjectContent, answer_topic
from clinic.content.topics import (
    DOMAIN_DIR,
    Response,
)

CRISIS_FILE = f"{DOMAIN_DIR}/crisis.yml"
CRISIS_PLACEHOLDERS = ("{crisis_resources}", "{crisis_line}", "{emergency_number}")
CRISIS_PAYLOAD = "/crisis"
# Emergency help is named by the region's number ({emergency_number}: 911, 999,
# 000), never a place or service visitors may not reach or recognise.
HARD_CODED_EMERGENCY = re.compile(
    r"(?i:\bemergency\s+(?:room|department|services?|number)s?\b)"
    r"|\bA\s*&\s*E\b|\bE\.?R\.?(?=[\s,.;:!?)]|$)"
    r"|(?<![\w$£,.])(?<!\d\s)(?:911|999|000|112)(?![\w,.]\d)",
)


def crisis_markers(text: str, buttons: list[dict[str, str]]) -> set[str]:
    """The crisis resources a response shows: placeholders and the crisis button."""
    found = {placeholder for placeholder in CRISIS_PLACEHOLDERS if placeholder in text}
    if any(button.get("payload") == CRISIS_PAYLOAD for button in buttons):
        found.add(CRISIS_PAYLOAD)
    return found


def is_crisis_response(response: Response) -> bool:
    from clinic.nlg import CRISIS_RESPONSE_PREFIX

    return response.name.startswith(CRISIS_RESPONSE_PREFIX) or (
        response.file == CRISIS_FILE
    )


def crisis_resources_missing(content: ProjectContent) -> list[Problem]:
    """Every crisis reply shows crisis help; the main one lists every resource."""
    from clinic.nlg import CRISIS_SUPPORT_RESPONSE

    problems = []
    for response in content.responses.values():
        if not is_crisis_response(response):
            continue
        for answer in response.variants:
            markers = crisis_markers(answer.text, answer.buttons)
            required = "{crisis_resources}"
            if response.name == CRISIS_SUPPORT_RESPONSE and required not in markers:
                problems.append(crisis_problem(response.name, {required}))
            elif not markers:
                problems.append(crisis_problem(response.name, {"{crisis_line}"}))
    return problems


def hard_coded_emergency(content: ProjectContent) -> list[Problem]:
    """Replies name emergency help by the region's number, from the settings."""
    problems = []
    for response in content.responses.values():
        for answer in response.variants:
            found = HARD_CODED_EMERGENCY.search(answer.text)
            if found:
                problems.append(
                    Problem(
                        f'The answer {response.name} says "{found.group(0)}". '
                        "Write {emergency_number} instead: it becomes the "
                        "emergency number of the clinic's region (911, 999, 000).",
                        topic=answer_topic(response.name),
                        detail=found.group(0),
                    )
                )
    return problems


def crisis_problem(response: str, missing: set[str]) -> Problem:
    names = ", ".join(sorted(missing))
    return Problem(
        f"The reply {response} must keep the crisis help it shows ({names}): "
        "people in crisis rely on it. Put it back.",
        detail=names,
    )


def crisis_resources_removed(
    content: ProjectContent, baseline: ProjectContent
) -> list[Problem]:
    """Crisis help a reply shows now must still be shown after the change."""
    problems = []
    for name, before in baseline.responses.items():
        after = content.responses.get(name)
        for old in before.variants:
            kept = set()
            if after is not None and old.variant < len(after.variants):
                new = after.variants[old.variant]
                kept = crisis_markers(new.text, new.buttons)
            missing = crisis_markers(old.text, old.buttons) - kept
            if missing:
                problems.append(crisis_problem(name, missing))
    return problems
