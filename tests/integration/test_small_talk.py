"""Small talk through the real Rasa server: an apology for a long message is
small talk, not a sign of risk (it had been read as crisis by the classifier)."""

from __future__ import annotations

import pytest

from clinic.evaluation import label_from_parse
from harness.conversation import Visitor
from harness.servers import Assistant

APOLOGIES = [
    "sorry for the long message",
    "sorry, long message",
    "so sorry for the wall of text",
    "sorry that was such a long message",
    "apologies for rambling",
]


@pytest.mark.parametrize("apology", APOLOGIES)
def test_an_apology_for_a_long_message_is_not_a_crisis(
    assistant: Assistant, apology: str
) -> None:
    assert label_from_parse(assistant.parse(apology)) != "crisis"


def test_an_apology_gets_a_kind_word_and_an_invitation(assistant: Assistant) -> None:
    reply = Visitor(assistant).say("sorry for the long message")
    assert reply.responses == ["utter_thank"]
    assert "No problem at all" in reply.text
