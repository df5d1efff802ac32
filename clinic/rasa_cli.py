"""``rasa``'s command line with the clinic's fixes to Rasa 3.6 applied first.

``scripts/rasa`` runs this instead of the ``rasa`` executable, so the server, the
conversation tests and training all run with the same fixes. Each fix replaces
one Rasa function with one that behaves the same, and says what it costs
otherwise; docs/performance.md shows the measurements.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any


@cache
def action_result_validator() -> Any:
    """The validator of an action server's answer, compiled once."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(_: Any, result: dict[str, Any]) -> bool:
    """Rasa's check of an action server's answer, with the schema compiled once.

    Rasa 3.6 calls ``jsonschema.validate`` for every custom action and form
    validation, which first checks the events schema itself against the JSON
    Schema meta-schema: under load that was 43% of the Rasa server's CPU.
    """
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        action_result_validator().validate(result)
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure "
            "your response from the Action endpoint is valid. For more "
            f"information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise
    return True


def apply_fixes() -> None:
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def main() -> None:
    apply_fixes()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
