"""An answer as a visitor reads it, filled in as clinic/nlg.py fills it."""

from __future__ import annotations

from clinic.settings import ClinicSettings, current_settings

PREVIEW_RESPONSE = "utter_preview"


UNPAIRED_BRACE = "a { or } is missing its pair."


def preview_answer(text: str, settings: ClinicSettings | None = None) -> str:
    """The answer as a visitor reads it, filled in as clinic/nlg.py fills it."""
    # Imported here: Rasa takes seconds to import, and the console starts without it.
    from rasa.shared.core.domain import Domain

    from clinic.nlg import ClinicResponseGenerator, booking_values, without_unset_links

    settings = settings or current_settings()
    domain = Domain.from_dict({"responses": {PREVIEW_RESPONSE: [{"text": text}]}})
    generator = ClinicResponseGenerator(domain=domain, settings=settings)
    values = {**settings.template_values(), **booking_values({})}
    try:
        response = generator.generate_from_slots(PREVIEW_RESPONSE, {}, "", **values)
    except (ValueError, IndexError):  # a { or } without its pair
        return f"{text}\n\n(Cannot be shown as a visitor sees it: {UNPAIRED_BRACE})"
    return str(without_unset_links(response or {}).get("text") or "")
