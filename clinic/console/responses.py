"""The domain's responses, filled in for the turns the console adds to a chat.

When a staff member joins, hands back or closes a chat, or nobody took it in
time, the console writes the matching ``utter_handoff_*`` response into the
conversation. It reads them from the domain files staff edit, and fills the
``{placeholders}`` as the assistant does: clinic facts from config/clinic.yml,
slots from the conversation. (Rasa's own generator is not imported: it would
load most of Rasa into the console.)
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import yaml

from clinic.settings import ClinicSettings


class _KeepUnknown(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def load_responses(domain_path: Path) -> dict[str, list[dict[str, Any]]]:
    files = sorted(domain_path.glob("*.yml")) if domain_path.is_dir() else [domain_path]
    responses: dict[str, list[dict[str, Any]]] = {}
    for file in files:
        content = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        responses.update(content.get("responses") or {})
    return responses


def fill(text: str, values: dict[str, Any]) -> str:
    known = _KeepUnknown({k: "" if v is None else v for k, v in values.items()})
    return string.Formatter().vformat(text, (), known)


class ResponseTexts:
    def __init__(self, domain_path: Path, settings: ClinicSettings) -> None:
        self._responses = load_responses(domain_path)
        self._settings = settings

    def render(self, name: str, slots: dict[str, Any]) -> dict[str, Any]:
        """The response's first unconditional variation, filled in."""
        variations = [
            v for v in self._responses.get(name, []) if not v.get("condition")
        ]
        if not variations:
            raise KeyError(f"the domain has no response {name!r}")
        values = {**slots, **self._settings.template_values()}
        chosen = variations[0]
        message: dict[str, Any] = {
            "text": " ".join(fill(chosen["text"], values).split())
        }
        if chosen.get("buttons"):
            message["buttons"] = [
                {"title": button["title"], "payload": button["payload"]}
                for button in chosen["buttons"]
                if button.get("payload")
            ]
        return message
