"""The clinic's fixes to Rasa 3.6 behave as Rasa's own code does, only faster."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from clinic import rasa_cli

VALID_ANSWER = {
    "events": [{"event": "slot", "name": "booking_name", "value": "Sam"}],
    "responses": [{"response": "utter_ask_booking_phone"}],
}
INVALID_ANSWERS = [
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [], "responses": ["not an object"]},
]


RASAS_OWN_VALIDATION = RemoteAction._validate_action_result


@pytest.fixture
def fixed_action() -> Iterator[RemoteAction]:
    original = RemoteAction._validate_action_result
    rasa_cli.apply_fixes()
    yield RemoteAction("validate_booking_form", EndpointConfig("http://127.0.0.1:1"))
    RemoteAction._validate_action_result = original  # type: ignore[method-assign]


def test_a_valid_answer_passes(fixed_action: RemoteAction) -> None:
    assert RASAS_OWN_VALIDATION is not rasa_cli.validate_action_result
    assert RemoteAction._validate_action_result is rasa_cli.validate_action_result
    assert fixed_action._validate_action_result(VALID_ANSWER) is True
    assert RASAS_OWN_VALIDATION(fixed_action, VALID_ANSWER) is True


@pytest.mark.parametrize("answer", INVALID_ANSWERS)
def test_an_invalid_answer_is_refused_as_rasa_refuses_it(
    fixed_action: RemoteAction, answer: dict
) -> None:
    with pytest.raises(ValidationError) as rasa_error:
        RASAS_OWN_VALIDATION(fixed_action, answer)
    with pytest.raises(ValidationError) as fixed_error:
        fixed_action._validate_action_result(answer)
    assert "Failed to validate Action server response" in fixed_error.value.message
    assert fixed_error.value.message == rasa_error.value.message


def test_the_schema_is_compiled_once() -> None:
    assert rasa_cli.action_result_validator() is rasa_cli.action_result_validator()
