"""Topics, examples and answers read from the real project's files."""

from __future__ import annotations

import pytest

from clinic.content.topics import ContentRepository, TopicNotFound
from tests.clinic.content.conftest import PROJECT


@pytest.fixture(scope="module")
def repository() -> ContentRepository:
    return ContentRepository(PROJECT)


def test_faq_topics_come_first_with_their_description_and_answer(
    repository: ContentRepository,
) -> None:
    topics = repository.topics()
    names = [topic.name for topic in topics]
    faq = [name for name in names if name.startswith("faq/")]
    assert names[: len(faq)] == sorted(faq) and "faq/cost.price" in faq
    cost = repository.topic("faq/cost.price")
    assert cost.file == "data/faq/cost.yml"
    assert cost.description.startswith("price = what it costs")
    assert "how much does ketamine cost" in cost.examples
    assert cost.answer is not None and cost.answer.response == "utter_faq/cost.price"
    assert cost.answer.text.startswith("{cost_details} Because treatment")
    assert {"title": "Talk to a person", "payload": "Can I talk to a real person?"} in (
        cost.answer.buttons
    )


def test_other_topics_have_examples_and_no_answer(
    repository: ContentRepository,
) -> None:
    greet = repository.topic("greet")
    assert greet.file == "data/nlu/smalltalk.yml" and greet.description == ""
    assert "hello there" in greet.examples and greet.answer is None
    refusal = repository.topic("out_of_scope/medical_advice")
    assert refusal.answer is not None
    assert refusal.answer.file == "data/nlu/out_of_scope_responses.yml"


def test_an_unknown_topic_is_reported(repository: ContentRepository) -> None:
    with pytest.raises(TopicNotFound):
        repository.topic("faq/astrology")


def test_responses_list_each_response_once_with_its_unconditional_variant(
    repository: ContentRepository,
) -> None:
    answers = {answer.response: answer for answer in repository.responses()}
    assert answers["utter_greet"].file == "domain/smalltalk.yml"
    assert "{crisis_resources}" in answers["utter_crisis_support"].text
    assert "utter_faq/cost.price" in answers
    first_name = answers["utter_ask_booking_first_name"]
    assert first_name.condition == "" and first_name.variant == 5
    assert len(repository.response("utter_ask_booking_first_name").variants) == 6
