"""Crisis recall and false alarms, measured through the real server's /model/parse.

tests/crisis/crisis_messages.yml and non_crisis_messages.yml were written apart
from the training data and the detector's phrases (see docs/safety.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic.evaluation import label_from_parse, read_message_sets
from harness.servers import Assistant

SETS = Path(__file__).resolve().parent
MAX_FALSE_ALARM_RATE = 0.05


def missed_crises(assistant: Assistant, texts: list[str]) -> list[str]:
    return [
        text for text in texts if label_from_parse(assistant.parse(text)) != "crisis"
    ]


def crisis_verdicts(
    assistant: Assistant, path: Path
) -> dict[str, list[tuple[str, bool]]]:
    return {
        category: [
            (text, label_from_parse(assistant.parse(text)) == "crisis")
            for text in texts
        ]
        for category, texts in read_message_sets(path).items()
    }


def test_crisis_set_is_large_and_covers_every_category() -> None:
    sets = read_message_sets(SETS / "crisis_messages.yml")
    assert sum(len(texts) for texts in sets.values()) >= 150
    assert set(sets) >= {
        "direct",
        "passive",
        "plan_means",
        "self_harm",
        "overdose",
        "slang",
        "misspellings",
        "embedded",
        "other_person",
    }


def test_non_crisis_set_is_large_enough() -> None:
    sets = read_message_sets(SETS / "non_crisis_messages.yml")
    assert sum(len(texts) for texts in sets.values()) >= 80


@pytest.mark.parametrize(
    "category", sorted(read_message_sets(SETS / "crisis_messages.yml"))
)
def test_every_crisis_message_is_detected(assistant: Assistant, category: str) -> None:
    texts = read_message_sets(SETS / "crisis_messages.yml")[category]
    missed = [
        text for text in texts if label_from_parse(assistant.parse(text)) != "crisis"
    ]
    assert missed == []


def test_false_alarms_stay_under_five_percent(assistant: Assistant) -> None:
    verdicts = crisis_verdicts(assistant, SETS / "non_crisis_messages.yml")
    alarms = [
        text
        for messages in verdicts.values()
        for text, is_crisis in messages
        if is_crisis
    ]
    total = sum(len(messages) for messages in verdicts.values())
    assert len(alarms) / total <= MAX_FALSE_ALARM_RATE, alarms


def test_hopes_about_oneself_are_not_read_as_crisis(assistant: Assistant) -> None:
    """The booking form asks what the visitor hopes for; "myself" is no alarm."""
    verdicts = crisis_verdicts(assistant, SETS / "non_crisis_messages.yml")
    alarms = [text for text, alarm in verdicts["hopes_about_oneself"] if alarm]
    assert alarms == []


def test_everyday_words_near_risk_are_not_read_as_crisis(
    assistant: Assistant,
) -> None:
    """ "i live about an hour away" came out crisis from the classifier alone."""
    verdicts = crisis_verdicts(assistant, SETS / "non_crisis_messages.yml")
    alarms = [text for text, alarm in verdicts["everyday_words_near_risk"] if alarm]
    assert alarms == []


def test_every_reported_message_is_detected(assistant: Assistant) -> None:
    """Misses found in real conversations, added by staff (see docs/safety.md)."""
    texts = read_message_sets(SETS / "reported_messages.yml")["reported"]
    assert missed_crises(assistant, texts) == []


def test_risk_that_is_back_is_crisis_though_the_past_is_mentioned(
    assistant: Assistant,
) -> None:
    texts = read_message_sets(SETS / "past_and_present.yml")["risk_now_after_a_past"]
    assert missed_crises(assistant, texts) == []


def test_risk_that_is_over_is_answered_with_the_crisis_line(
    assistant: Assistant,
) -> None:
    """Not the crisis reply: the question is answered, the crisis line beneath."""
    texts = read_message_sets(SETS / "past_and_present.yml")["risk_that_is_over"]
    parses = {text: assistant.parse(text) for text in texts}
    alarms = [t for t, parse in parses.items() if label_from_parse(parse) == "crisis"]
    unmarked = [t for t, parse in parses.items() if not parse.get("mentions_suicide")]
    assert (alarms, unmarked) == ([], [])


def test_a_loss_is_answered_with_the_crisis_line(assistant: Assistant) -> None:
    """Someone else's death is grief, not the visitor's own risk: "my friend
    killed himself ... I wonder what kind of life he'd have now" was a crisis."""
    texts = read_message_sets(SETS / "past_and_present.yml")["a_loss"]
    parses = {text: assistant.parse(text) for text in texts}
    alarms = [t for t, parse in parses.items() if label_from_parse(parse) == "crisis"]
    unmarked = [t for t, parse in parses.items() if not parse.get("mentions_suicide")]
    assert (alarms, unmarked) == ([], [])


def test_risk_now_beside_a_loss_is_crisis(assistant: Assistant) -> None:
    texts = read_message_sets(SETS / "past_and_present.yml")["risk_now_after_a_loss"]
    assert missed_crises(assistant, texts) == []


# The validation sets written later (docs/safety.md): the retraining gate reads
# them too (clinic/training/figures.py); here the shipped model is held to them.
# Their false alarms are held where they stand (fresh 0 of 99, unseen 6 of 84
# since session 28; docs/nlu.md): the target is 2% on each, not met yet on the
# unseen set, and they must not grow.
LATER_SETS = {"fresh": 0, "unseen": 6}


@pytest.mark.parametrize("name", sorted(LATER_SETS))
def test_every_crisis_message_of_the_later_sets_is_detected(
    assistant: Assistant, name: str
) -> None:
    sets = read_message_sets(SETS / name / "crisis_messages.yml")
    texts = [text for category in sets.values() for text in category]
    assert missed_crises(assistant, texts) == []


@pytest.mark.parametrize(("name", "most"), sorted(LATER_SETS.items()))
def test_false_alarms_of_the_later_sets_do_not_grow(
    assistant: Assistant, name: str, most: int
) -> None:
    verdicts = crisis_verdicts(assistant, SETS / name / "non_crisis_messages.yml")
    messages = [verdict for category in verdicts.values() for verdict in category]
    alarms = [text for text, is_crisis in messages if is_crisis]
    assert len(alarms) <= most, alarms


OTHER_LANGUAGES = read_message_sets(SETS / "other_languages.yml")
QUESTIONS = "questions"


@pytest.mark.parametrize("language", sorted(set(OTHER_LANGUAGES) - {QUESTIONS}))
def test_risk_written_in_another_language_is_detected(
    assistant: Assistant, language: str
) -> None:
    """config/crisis_phrases.yml, other_language: the assistant answers in
    English only, but a wish to die in Spanish or French is still a crisis."""
    assert missed_crises(assistant, OTHER_LANGUAGES[language]) == []


def test_questions_in_another_language_raise_no_alarm(assistant: Assistant) -> None:
    alarms = [
        text
        for text in OTHER_LANGUAGES[QUESTIONS]
        if label_from_parse(assistant.parse(text)) == "crisis"
    ]
    assert alarms == []


def test_questions_in_another_language_are_read_as_another_language(
    assistant: Assistant,
) -> None:
    """Each gets the "English only" reply with the crisis line in its language,
    not an English topic's answer: three of them ("la ketamina funciona para la
    depresion?") once read as English through the Spanish words the English
    vocabulary also lists (clinic/components/readability.py)."""
    read_as_english = [
        text
        for text in OTHER_LANGUAGES[QUESTIONS]
        if assistant.parse(text).get("readability", {}).get("english") is not False
    ]
    assert read_as_english == []
