"""Answers at the grain of the question, through the real server: each topic's
questions get that topic's fitting answer, and a short follow-up stays within
the topic just discussed (clinic/follow_up.py)."""

from __future__ import annotations

import pytest

from harness.conversation import Visitor
from harness.servers import Assistant

# One question per new topic, written for this test (not in the training data).
NEW_TOPICS = [
    ("is spravato the same thing as ketamine", "faq/spravato"),
    ("could ketamine help my ptsd from the army", "faq/other_conditions"),
    ("will i be ok to go to work the day after an infusion", "faq/aftercare"),
    ("do i have to quit seeing my counselor if i start this", "faq/therapy"),
    ("can i just get ketamine troches mailed to my house", "faq/at_home"),
    ("is there an actual doctor there while im getting it", "faq/care_team"),
]


def answer_of(visitor: Visitor, text: str) -> str:
    """The FAQ answer (``faq/<topic>.<answer>``) given to ``text``."""
    faq = [
        name.removeprefix("utter_")
        for name in visitor.say(text).responses
        if name.startswith("utter_faq/")
    ]
    assert faq, f"no FAQ answer to {text!r}"
    return faq[0]


def topic(answer: str) -> str:
    return answer.split(".", 1)[0]


@pytest.mark.parametrize(("text", "expected"), NEW_TOPICS)
def test_each_new_topic_is_answered(
    assistant: Assistant, text: str, expected: str
) -> None:
    assert topic(answer_of(Visitor(assistant), text)) == expected


# Seen while trying the assistant as a visitor (session 34): a personal age
# question got the medical-advice refusal, a misspelt one another answer, and
# "does it hurt" an answer that never said. Worded apart from the training data.
VISITORS_WORDING = [
    ("im 17 is that too young for this", "faq/eligibility.age"),
    ("is ketamine adictive", "faq/safety.addiction"),
    ("will it be painful", "faq/side_effects.during"),
    ("could ketamine make me more depressed", "faq/aftercare.when_to_call"),
    ("how long do i have to wait between infusions", "faq/schedule.series"),
    # Session 35: needle fear got "outside what I can help with", a drug-test
    # question the monitoring answer, Spravato's success rate the IV figures,
    # "the high" the benefit's duration, a memory worry the long-term risks and
    # a relative's eligibility the list of depression symptoms.
    ("needles freak me out, what can i do", "faq/session.needles"),
    (
        "would ketamine make me fail a urine drug screen for my job",
        "faq/aftercare.drug_test",
    ),
    ("what are the odds spravato works", "faq/effectiveness.spravato"),
    ("how long before the high goes away", "faq/side_effects.duration"),
    ("will i remember the infusion afterwards", "faq/side_effects.during"),
    ("my brother is 30 and depressed, could he get this", "faq/eligibility.candidates"),
    # Session 36: a spouse whose husband refuses help got the medical-advice
    # refusal, "the same as the party drug" the comparison with SSRIs, "how many
    # people does it work for" the Spravato trial figures.
    (
        "my brother wont admit hes depressed. how do i get him to look into ketamine",
        "faq/eligibility.loved_one",
    ),
    ("is it the same stuff as street ketamine", "faq/safety.clinic_doses"),
    ("how many people does it work for", "faq/effectiveness.response_rates"),
    # Session 37 (worded apart from the examples added): "can I bring my wife"
    # got what to bring, "how much ketamine will they give me" the price, a
    # Suboxone question what happens in a session.
    ("can my girlfriend come with me", "faq/session.companion"),
    ("how much ketamine do you give", "faq/safety.clinic_doses"),
    ("i'm on suboxone, can i still get ketamine?", "faq/ssri_together.interactions"),
    # Session 38 (worded apart from the examples added): an appointment's length
    # started the booking form, Tricare got who is a candidate, bipolar and
    # breastfeeding the medical-advice refusal, a husband's PTSD who is a candidate.
    (
        "how long is the whole appointment from check in to leaving",
        "faq/session.length",
    ),
    ("does your clinic take tricare insurance", "faq/cost.insurance"),
    ("im bipolar 1, is that ok for ketamine", "faq/eligibility.candidates"),
    ("is ketamine ok while breastfeeding", "faq/eligibility.not_suitable"),
    ("can it help my wife's ptsd", "faq/other_conditions.anxiety_ptsd"),
]


@pytest.mark.parametrize(("text", "expected"), VISITORS_WORDING)
def test_visitors_wording_gets_the_fitting_answer(
    assistant: Assistant, text: str, expected: str
) -> None:
    assert answer_of(Visitor(assistant), text) == expected


def test_the_feelings_answer_says_whether_you_remember(assistant: Assistant) -> None:
    text = Visitor(assistant).say("do people remember the infusion").text
    assert "most people remember it" in text


def test_the_spravato_figures_say_the_placebo_group_improved_too(
    assistant: Assistant,
) -> None:
    """Balanced: the trial's 7 in 10 is set beside the 5 in 10 on the pill alone."""
    text = Visitor(assistant).say("does spravato work").text
    assert "7 in 10" in text and "5 in 10" in text


def test_the_pain_answer_says_whether_it_hurts(assistant: Assistant) -> None:
    assert "should not hurt" in Visitor(assistant).say("does the infusion hurt").text


def test_questions_of_one_topic_get_different_answers(assistant: Assistant) -> None:
    visitor = Visitor(assistant)
    addiction = answer_of(visitor, "could i get addicted if i keep having infusions")
    approval = answer_of(visitor, "has the fda approved ketamine for depression")
    assert addiction == "faq/safety.addiction"
    assert approval == "faq/safety.fda_status"


def test_a_short_follow_up_stays_within_the_topic(assistant: Assistant) -> None:
    visitor = Visitor(assistant)
    assert answer_of(visitor, "does ketamine actually work for depression") == (
        "faq/effectiveness.response_rates"
    )
    assert answer_of(visitor, "and how long does it last?") == (
        "faq/effectiveness.how_long"
    )
    assert answer_of(visitor, "what if it doesn't work for me") == (
        "faq/effectiveness.not_working"
    )


def test_the_same_follow_up_gets_the_answer_of_the_topic_discussed(
    assistant: Assistant,
) -> None:
    """How long *what* lasts depends on what was just answered."""
    visitor = Visitor(assistant)
    assert topic(answer_of(visitor, "what side effects can ketamine cause")) == (
        "faq/side_effects"
    )
    assert answer_of(visitor, "and how long does it last?") == (
        "faq/side_effects.duration"
    )


def test_a_new_question_after_an_answer_changes_topic(assistant: Assistant) -> None:
    visitor = Visitor(assistant)
    answer_of(visitor, "does ketamine actually work for depression")
    assert topic(answer_of(visitor, "and how much does it cost?")) == "faq/cost"


def test_a_follow_up_naming_another_subject_changes_topic(
    assistant: Assistant,
) -> None:
    """ "what about insurance" after the schedule answer is about insurance."""
    visitor = Visitor(assistant)
    assert topic(answer_of(visitor, "how many infusions will i need")) == (
        "faq/schedule"
    )
    assert answer_of(visitor, "what about insurance") == "faq/cost.insurance"


# A long message that asks several things (clinic/components/other_questions.py).
SEVERAL_THINGS = (
    "hi, I've been on zoloft for 3 years and my doctor wants me to try ketamine "
    "but im scared of the trip part and also my husband is worried about "
    "addiction because his brother had a drug problem, also how much does it "
    "cost and does insurance pay for any of it? sorry for the long message"
)
ADDICTION_CLAUSE = (
    "my husband is worried about addiction because his brother had a drug problem"
)


def test_the_other_questions_of_a_long_message_are_offered_as_buttons(
    assistant: Assistant,
) -> None:
    visitor = Visitor(assistant)
    reply = visitor.say(SEVERAL_THINGS)
    [answer] = [name for name in reply.responses if name.startswith("utter_faq/")]
    assert topic(answer.removeprefix("utter_")) == "faq/cost"
    assert "You asked about more than one thing" in reply.text
    assert ADDICTION_CLAUSE in reply.payloads
    assert "sorry for the long message" not in reply.payloads
    assert answer_of(visitor, ADDICTION_CLAUSE) == "faq/safety.addiction"


def test_the_parse_result_names_the_other_questions(assistant: Assistant) -> None:
    parse = assistant.parse(SEVERAL_THINGS)
    others = {item["text"]: item["answer"] for item in parse["other_questions"]}
    assert others[ADDICTION_CLAUSE] == "faq/safety.addiction"
    given = parse["intent"]["full_retrieval_intent_name"]
    assert given not in others.values(), "the answer given is not offered again"


def test_a_message_that_asks_one_thing_gets_no_other_questions(
    assistant: Assistant,
) -> None:
    reply = Visitor(assistant).say("how much does an infusion cost? thanks a lot")
    assert "more than one thing" not in reply.text
    assert "other_questions" not in assistant.parse("how much does an infusion cost")


def test_another_answer_of_the_same_topic_is_offered(assistant: Assistant) -> None:
    """How long a session lasts and how to get home are both the session's."""
    reply = Visitor(assistant).say(
        "How long does an infusion take? Can I drive home afterwards?"
    )
    assert "utter_faq/session.length" in reply.responses
    assert "Can I drive home afterwards" in reply.payloads


def test_the_horse_tranquilizer_worry_is_answered(assistant: Assistant) -> None:
    reply = Visitor(assistant).say("isn't ketamine a horse tranquilizer")
    assert "utter_faq/safety.clinic_doses" in reply.responses
    assert "horse tranquilizer" in reply.text
