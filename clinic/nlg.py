"""Response generator: the domain's responses, filled with the clinic's facts.

Configured in endpoints.yml (``nlg: type: clinic.nlg.ClinicResponseGenerator``) and
run inside the Rasa server, so it works even when the action server is down.
Beyond Rasa's templating it keeps a conversation crisis-aware: once a crisis was
detected (slot ``crisis_mode``), every later answer carries the crisis line and no
booking prompt is shown.
"""

from __future__ import annotations

from typing import Any

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from clinic.components.crisis_detector import MENTIONS_SUICIDE
from clinic.settings import ClinicSettings, current_settings

CRISIS_MODE_SLOT = "crisis_mode"
CRISIS_RESPONSE_PREFIX = "utter_crisis"
BOOKING_PAYLOAD = "/book_appointment"
CRISIS_REMINDER = (
    "If you are in danger or thinking about suicide, please {crisis_line}, "
    "or call {emergency_number}."
)


def without_booking_prompts(response: dict[str, Any]) -> dict[str, Any]:
    buttons = [
        button
        for button in response.get("buttons") or []
        if button.get("payload") != BOOKING_PAYLOAD
    ]
    trimmed = {**response, "buttons": buttons}
    if not buttons:
        trimmed.pop("buttons")
    return trimmed


def with_crisis_reminder(
    response: dict[str, Any], values: dict[str, str]
) -> dict[str, Any]:
    text = response.get("text") or ""
    if values["crisis_line"] in text:
        return response
    reminder = CRISIS_REMINDER.format(**values)
    return {**response, "text": f"{text}\n\n{reminder}".strip()}


class ClinicResponseGenerator(TemplatedNaturalLanguageGenerator):
    """Templated responses with clinic facts and crisis awareness."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        domain: Domain | None = None,
        settings: ClinicSettings | None = None,
    ) -> None:
        super().__init__((domain or Domain.empty()).responses)
        self._settings = settings

    @property
    def settings(self) -> ClinicSettings:
        return self._settings or current_settings()

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        slots = tracker.current_slot_values()
        values = self.settings.template_values()
        response = self.generate_from_slots(
            utter_action, slots, output_channel, **{**values, **kwargs}
        )
        if response is None or utter_action.startswith(CRISIS_RESPONSE_PREFIX):
            return response if response is None else self._crisis_aware(response, slots)
        if slots.get(CRISIS_MODE_SLOT):
            return with_crisis_reminder(without_booking_prompts(response), values)
        if tracker.latest_message and tracker.latest_message.parse_data.get(
            MENTIONS_SUICIDE
        ):
            return with_crisis_reminder(response, values)
        return response

    @staticmethod
    def _crisis_aware(
        response: dict[str, Any], slots: dict[str, Any]
    ) -> dict[str, Any]:
        return (
            without_booking_prompts(response)
            if slots.get(CRISIS_MODE_SLOT)
            else response
        )
