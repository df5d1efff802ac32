from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from clinic.nlg import (
    ClinicResponseGenerator,
    language_of_foreign_message,
    other_question_title,
)
from clinic.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
slots:
  crisis_mode:
    type: bool
    initial_value: false
    influence_conversation: false
    mappings: [{type: custom}]
  booking_contact: {type: text, mappings: [{type: custom}]}
  booking_hopes: {type: text, mappings: [{type: custom}]}
responses:
  utter_faq/cost:
  - text: "{cost_details} Ask us anything."
    buttons:
    - {title: "Book a consultation", payload: "/book_appointment"}
    - {title: "Talk to a person", payload: "/human_handoff"}
  utter_crisis_support:
  - text: "Please reach out: {crisis_resources}"
    buttons:
    - {title: "Book a consultation", payload: "/book_appointment"}
  utter_faq/mechanism:
  - text: "It works on glutamate."
  utter_offer_booking:
  - text: "Would you like to book a consultation?"
  utter_other_questions:
  - text: "You asked about more than one thing."
  utter_ask_booking_first_name:
  - text: "What's your first name?"
    buttons:
    - {title: "Pick a time online", payload: "{booking_url}"}
  utter_ask_booking_confirmed:
  - text: "Contact: {booking_contact_display}. Hopes: {booking_hopes_display}."
"""
)


@pytest.fixture
def generator() -> ClinicResponseGenerator:
    settings = load_settings(
        ROOT / "config" / "clinic.yml", ROOT / "config" / "crisis_resources.yml"
    )
    return ClinicResponseGenerator(domain=DOMAIN, settings=settings)


@pytest.fixture
def generator_without_scheduler() -> ClinicResponseGenerator:
    settings = load_settings(
        ROOT / "config" / "clinic.yml", ROOT / "config" / "crisis_resources.yml"
    )
    return ClinicResponseGenerator(
        domain=DOMAIN, settings=dataclasses.replace(settings, booking_url="")
    )


def tracker(crisis_mode: bool) -> DialogueStateTracker:
    conversation = DialogueStateTracker.from_events("visitor", [], slots=DOMAIN.slots)
    conversation.update(SlotSet("crisis_mode", crisis_mode))
    return conversation


async def test_clinic_facts_fill_the_placeholders(
    generator: ClinicResponseGenerator,
) -> None:
    response = await generator.generate("utter_faq/cost", tracker(False), "rest")
    assert response["text"].startswith(
        "At Harbor Light Ketamine Clinic, a consultation is $200"
    )
    assert [b["payload"] for b in response["buttons"]] == [
        "/book_appointment",
        "/human_handoff",
    ]


async def test_an_answer_with_a_booking_button_asks_whether_to_book(
    generator: ClinicResponseGenerator,
) -> None:
    response = await generator.generate("utter_faq/cost", tracker(False), "rest")
    assert response["text"].endswith("Would you like to book a consultation?")
    plain = await generator.generate("utter_faq/mechanism", tracker(False), "rest")
    assert plain["text"] == "It works on glutamate."


async def test_no_booking_question_after_a_crisis(
    generator: ClinicResponseGenerator,
) -> None:
    response = await generator.generate("utter_faq/cost", tracker(True), "rest")
    assert "Would you like to book" not in response["text"]


async def test_no_booking_prompt_while_a_form_is_under_way(
    generator: ClinicResponseGenerator,
) -> None:
    conversation = tracker(False)
    conversation.update(ActiveLoop("booking_form"))
    response = await generator.generate("utter_faq/cost", conversation, "rest")
    assert "Would you like to book" not in response["text"]
    assert [b["payload"] for b in response["buttons"]] == ["/human_handoff"]


async def test_the_online_scheduler_is_offered_when_configured(
    generator: ClinicResponseGenerator,
    generator_without_scheduler: ClinicResponseGenerator,
) -> None:
    name = "utter_ask_booking_first_name"
    response = await generator.generate(name, tracker(False), "rest")
    assert [b["payload"] for b in response["buttons"]] == ["https://example.org/book"]
    without = await generator_without_scheduler.generate(name, tracker(False), "rest")
    assert "buttons" not in without, "no button with an empty link"
    in_crisis = await generator.generate(name, tracker(True), "rest")
    assert "buttons" not in in_crisis, "no booking link after a crisis"


async def test_the_booking_summary_shows_answers_readably(
    generator: ClinicResponseGenerator,
) -> None:
    conversation = tracker(False)
    conversation.update(SlotSet("booking_contact", "+12025550143"))
    response = await generator.generate(
        "utter_ask_booking_confirmed", conversation, "rest"
    )
    assert response["text"].startswith("Contact: +1 202-555-0143. Hopes: (not shared)")


async def test_after_a_crisis_answers_carry_the_crisis_line_and_no_booking(
    generator: ClinicResponseGenerator,
) -> None:
    response = await generator.generate("utter_faq/cost", tracker(True), "rest")
    assert "988" in response["text"]
    assert [b["payload"] for b in response["buttons"]] == ["/human_handoff"]


async def test_crisis_responses_are_not_given_a_second_reminder(
    generator: ClinicResponseGenerator,
) -> None:
    response = await generator.generate("utter_crisis_support", tracker(True), "rest")
    assert "If you are in danger" not in response["text"]
    assert "buttons" not in response


async def test_unknown_responses_stay_unknown(
    generator: ClinicResponseGenerator,
) -> None:
    assert await generator.generate("utter_nothing", tracker(False), "rest") is None


async def test_an_answer_to_a_question_about_suicide_ends_with_the_crisis_line(
    generator: ClinicResponseGenerator,
) -> None:
    conversation = tracker(False)
    conversation.update(
        UserUttered(
            "does ketamine help suicidal thoughts",
            parse_data={"mentions_suicide": True},
        )
    )
    response = await generator.generate("utter_faq/cost", conversation, "rest")
    assert response["text"].endswith("or call 911.")
    assert any(b["payload"] == "/book_appointment" for b in response["buttons"])


OTHER_QUESTIONS = [
    {"answer": "faq/safety.addiction", "confidence": 0.7, "text": "is it addictive"},
    {"answer": "faq/cost", "confidence": 0.9, "text": "and the price"},
]


def asked_several_things(crisis_mode: bool = False) -> DialogueStateTracker:
    conversation = tracker(crisis_mode)
    conversation.update(
        UserUttered(
            "how does it work, is it addictive, and the price",
            parse_data={"other_questions": OTHER_QUESTIONS},
        )
    )
    return conversation


async def test_the_other_questions_of_a_message_are_offered_under_the_answer(
    generator: ClinicResponseGenerator,
) -> None:
    response = await generator.generate(
        "utter_faq/mechanism", asked_several_things(), "rest"
    )
    assert response["text"] == (
        "It works on glutamate.\n\nYou asked about more than one thing."
    )
    assert response["buttons"] == [
        {"title": "Is it addictive", "payload": "is it addictive"},
        {"title": "And the price", "payload": "and the price"},
    ]


def test_a_long_question_is_cut_at_a_word_for_its_button() -> None:
    clause = "my husband is worried about addiction because his brother had a problem"
    assert other_question_title({"text": clause}) == (
        "My husband is worried about addiction…"
    )


async def test_the_answer_given_is_not_offered_again(
    generator: ClinicResponseGenerator,
) -> None:
    response = await generator.generate(
        "utter_faq/cost", asked_several_things(), "rest"
    )
    payloads = [b["payload"] for b in response["buttons"]]
    assert payloads[0] == "is it addictive"
    assert "and the price" not in payloads


async def test_no_other_questions_after_a_crisis(
    generator: ClinicResponseGenerator,
) -> None:
    response = await generator.generate(
        "utter_faq/mechanism", asked_several_things(crisis_mode=True), "rest"
    )
    assert "more than one thing" not in response["text"]
    assert "buttons" not in response


async def test_the_crisis_reply_carries_the_crisis_resources_as_data(
    generator: ClinicResponseGenerator,
) -> None:
    response = await generator.generate("utter_crisis_support", tracker(False), "rest")
    crisis = generator.settings.crisis
    assert response["custom"] == {
        "data": {
            "crisis_resources": list(crisis.resources),
            "crisis_line": crisis.short,
            "crisis_call": "988",
            "emergency_number": "911",
        }
    }
    assert "741741" in response["text"], "the text still lists the resources"


async def test_other_replies_carry_no_crisis_data(
    generator: ClinicResponseGenerator,
) -> None:
    # Later answers in a crisis repeat the line in text; the data is given once.
    for name in ("utter_faq/cost", "utter_faq/mechanism"):
        for in_crisis in (False, True):
            response = await generator.generate(name, tracker(in_crisis), "socketio")
            assert "custom" not in response, (name, in_crisis)


def generator_with_hours(
    open_every_hour: bool, region: str = "US"
) -> ClinicResponseGenerator:
    """The real domain's replies, with live-chat hours of every hour or none."""
    from datetime import time

    from clinic.settings import WEEKDAYS, load_crisis_resources

    resources = ROOT / "config" / "crisis_resources.yml"
    settings = load_settings(ROOT / "config" / "clinic.yml", resources)
    hours = dict.fromkeys(WEEKDAYS, (time(0), time.max)) if open_every_hour else {}
    return ClinicResponseGenerator(
        domain=Domain.load(
            [ROOT / "domain", ROOT / "data" / "nlu" / "out_of_scope_responses.yml"]
        ),
        settings=dataclasses.replace(
            settings,
            crisis=load_crisis_resources(resources, region),
            live_chat=dataclasses.replace(settings.live_chat, opening_hours=hours),
        ),
    )


async def test_the_team_is_offered_after_a_crisis_only_in_the_clinics_hours() -> None:
    open_now = await generator_with_hours(True).generate(
        "utter_crisis_offer_person", tracker(True), "rest"
    )
    closed = await generator_with_hours(False).generate(
        "utter_crisis_offer_person", tracker(True), "rest"
    )
    line = "call or text 988 (Suicide & Crisis Lifeline)"
    for response in (open_now, closed):
        assert response["text"].startswith("I'm an automated assistant, not a person")
        assert line in response["text"] and "open 24/7" in response["text"]
    assert [b["payload"] for b in open_now["buttons"]] == ["/crisis", "/human_handoff"]
    assert "(555) 010-0142" in open_now["text"]
    assert [b["payload"] for b in closed["buttons"]] == ["/crisis"]
    assert "(555) 010-0142" not in closed["text"]
    assert "don't wait for the clinic to open" in closed["text"]


async def test_the_medical_advice_refusal_names_the_regions_emergency_number() -> None:
    response = await generator_with_hours(True).generate(
        "utter_out_of_scope/medical_advice", tracker(False), "rest"
    )
    assert "In an emergency, call 911." in response["text"]
    assert "emergency services" not in response["text"]


@pytest.mark.parametrize("region", ["US", "CA", "GB", "AU"])
@pytest.mark.parametrize("open_every_hour", [True, False])
async def test_the_crisis_reply_is_plain_and_short_in_every_region(
    region: str, open_every_hour: bool
) -> None:
    import textstat

    generator = generator_with_hours(open_every_hour, region)
    for name in ("utter_crisis_support", "utter_crisis_offer_person"):
        text = (await generator.generate(name, tracker(True), "rest"))["text"]
        assert textstat.flesch_kincaid_grade(text) <= 8, text
        assert len(text.split()) < 90, text
        assert "free and confidential" not in text


def visitor_wrote(text: str, parse_data: dict[str, object]) -> DialogueStateTracker:
    conversation = tracker(True)
    conversation.update(UserUttered(text, parse_data={"text": text, **parse_data}))
    return conversation


async def test_risk_in_spanish_gets_the_crisis_line_in_spanish_first(
    generator: ClinicResponseGenerator,
) -> None:
    """ "quiero morir" is too short to read as foreign: the phrase's category says."""
    conversation = visitor_wrote(
        "quiero morir",
        {"crisis_detection": {"source": "phrase", "categories": ["other_language"]}},
    )
    response = await generator.generate("utter_crisis_support", conversation, "rest")
    spanish, english = response["text"].split("\n\n", 1)
    assert "oprime 2" in spanish
    assert english.startswith("Please reach out")


async def test_risk_in_english_gets_no_other_language(
    generator: ClinicResponseGenerator,
) -> None:
    conversation = visitor_wrote(
        "i want to die",
        {"crisis_detection": {"source": "phrase", "categories": ["direct"]}},
    )
    response = await generator.generate("utter_crisis_support", conversation, "rest")
    assert response["text"].startswith("Please reach out")


@pytest.mark.parametrize("text", ["я хочу умереть", "我想死"])
def test_another_script_is_not_given_a_guessed_language(text: str) -> None:
    """The identifier knows Latin-script languages only: it would name one."""
    foreign = {"text": text, "readability": {"english": False}}
    assert language_of_foreign_message(foreign) == ""


def test_a_foreign_message_is_given_its_language() -> None:
    foreign = {"text": "je veux prendre rendez-vous", "readability": {"english": False}}
    assert language_of_foreign_message(foreign) == "fr"
    assert language_of_foreign_message({"text": "i want to book"}) == ""
