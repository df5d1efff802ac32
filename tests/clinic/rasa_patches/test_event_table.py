"""clinic/rasa_patches/speed.py resolve_events_from_a_table: each stored event's
class looked up by name in a table gives what Rasa's walk of the classes gives."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

from clinic.rasa_patches.speed import EventClasses, resolve_events_from_a_table

RASAS_OWN = Event.__dict__["resolve_by_type"].__func__


@pytest.fixture
def patched() -> Iterator[None]:
    # Rasa's own, not a patch applied earlier in this process.
    assert RASAS_OWN.__module__ == "rasa.shared.core.events"
    resolve_events_from_a_table()
    try:
        yield
    finally:
        Event.resolve_by_type = staticmethod(RASAS_OWN)  # type: ignore[assignment]
        EventClasses.by_name = {}  # forget any class a test defined


def test_every_event_name_gives_rasas_class(patched: None) -> None:
    names = {event_class.type_name for event_class in all_subclasses(Event)}
    assert len(names) > 20
    for name in names:
        assert Event.resolve_by_type(name) is RASAS_OWN(name), name


def test_unknown_names_are_answered_as_rasa_answers_them(patched: None) -> None:
    assert Event.resolve_by_type("topic") is RASAS_OWN("topic") is None
    assert Event.resolve_by_type("no such", UserUttered) is UserUttered
    with pytest.raises(ValueError, match="Unknown event name 'no such'"):
        Event.resolve_by_type("no such")
    with pytest.raises(ValueError, match="Unknown event name 'no such'"):
        RASAS_OWN("no such")


def test_an_event_class_imported_after_the_table_is_found(patched: None) -> None:
    Event.resolve_by_type("user")  # the table is read

    class LaterEvent(UserUttered):
        type_name = "clinic_test_later_event"

    assert Event.resolve_by_type("clinic_test_later_event") is LaterEvent
    assert RASAS_OWN("clinic_test_later_event") is LaterEvent


def test_a_stored_conversation_reads_back_the_same(patched: None) -> None:
    stored: list[dict[str, Any]] = [
        {"event": "action", "name": "action_session_start", "timestamp": 1.0},
        {"event": "session_started", "timestamp": 2.0},
        {"event": "action", "name": "action_listen", "timestamp": 3.0},
        {
            "event": "user",
            "text": "how much does it cost",
            "parse_data": {"intent": {"name": "faq", "confidence": 0.9}},
            "timestamp": 4.0,
        },
        {"event": "slot", "name": "topic", "value": "cost", "timestamp": 5.0},
        {"event": "bot", "text": "It depends.", "timestamp": 6.0},
        {"event": "active_loop", "name": "booking_form", "timestamp": 7.0},
        {"event": "followup", "name": "action_listen", "timestamp": 8.0},
    ]
    ours = DialogueStateTracker.from_dict("visitor", stored).as_dialogue()
    Event.resolve_by_type = staticmethod(RASAS_OWN)  # type: ignore[assignment]
    rasas = DialogueStateTracker.from_dict("visitor", stored).as_dialogue()
    assert [type(event) for event in ours.events] == [
        type(event) for event in rasas.events
    ]
    assert ours.events == rasas.events
