"""Rasa's check of an action server's answer, one event type at a time.

Rasa 3.6's schema for an answer's events is a ``oneOf`` over its 23 event types,
so each event is validated against every type to find the one it matches;
under the benchmark's booking form that was 8% of the Rasa server's CPU. Every
branch of the ``oneOf`` fixes ``event`` to its own constant, and ``event`` is
required, so an event can only match the branch its ``event`` names: validating
it against that branch alone accepts and refuses exactly what the ``oneOf``
does. When anything is refused, the whole schema is run again so the error is
Rasa's own.
"""

from __future__ import annotations

from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for


class ActionResultValidator:
    """Validates answers against ``schema``, Rasa's action response format."""

    def __init__(self, schema: dict[str, Any]) -> None:
        validator_class = validator_for(schema)
        validator_class.check_schema(schema)
        self._whole = validator_class(schema)
        event_schema = schema["properties"]["events"]["items"]
        shared = {key: value for key, value in event_schema.items() if key != "oneOf"}
        self._by_event = {
            branch["properties"]["event"]["const"]: validator_class(
                {"allOf": [shared, branch]}
            )
            for branch in event_schema["oneOf"]
        }
        self._outside_events = validator_class(
            {
                **schema,
                "properties": {**schema["properties"], "events": {"type": "array"}},
            }
        )

    def validate(self, result: Any) -> None:
        """Raises Rasa's ``ValidationError`` if ``result`` is not a valid answer."""
        if self.is_valid(result):
            return
        # As jsonschema.validate, which Rasa calls, chooses among the errors.
        error = best_match(self._whole.iter_errors(result))
        if error is not None:
            raise error

    def is_valid(self, result: Any) -> bool:
        if not self._outside_events.is_valid(result):
            return False
        return all(self._event_is_valid(event) for event in result.get("events", []))

    def _event_is_valid(self, event: Any) -> bool:
        name = event.get("event") if isinstance(event, dict) else None
        validator = self._by_event.get(name) if isinstance(name, str) else None
        return validator is not None and validator.is_valid(event)
