"""Crisis conversations end to end, through the real Rasa server and action server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from clinic.store.crisis_flags import list_crisis_flags
from harness.live_chat import (
    Console,
    StaffMember,
    console_server,
    create_staff_account,
)
from harness.servers import (
    Assistant,
    action_server,
    base_environment,
    free_port,
    migrate,
    rasa_server,
)
from harness.webhook_sink import WebhookSink, webhook_sink

RESOURCES = ("988", "741741", "911")


def new_visitor() -> str:
    return f"crisis-{uuid.uuid4().hex[:8]}"


def all_text(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def payloads(replies: list[dict]) -> list[str]:
    return [
        button["payload"] for reply in replies for button in reply.get("buttons", [])
    ]


def assert_crisis_reply(replies: list[dict], in_hours: bool | None = True) -> None:
    """The crisis reply; a person is offered only within the clinic's hours (the
    `assistant` fixture's are every hour; None: servers on the real clock).
    Its wording: tests/integration/test_crisis_reply.py."""
    text = all_text(replies)
    for resource in RESOURCES:
        assert resource in text, f"{resource} missing from {text!r}"
    assert "/crisis" in payloads(replies), "the crisis lines can be shown again"
    if in_hours is not None:
        offered = "/human_handoff" in payloads(replies)
        assert offered == in_hours, "a person is offered only in the clinic's hours"
    assert "/book_appointment" not in payloads(replies)


def test_crisis_as_the_first_message(assistant: Assistant) -> None:
    assert_crisis_reply(
        assistant.send(new_visitor(), "i cant do this anymore, i want to kill myself")
    )


def test_crisis_after_an_faq_answer(assistant: Assistant) -> None:
    visitor = new_visitor()
    assistant.send(visitor, "how long does an infusion take?")
    assert_crisis_reply(
        assistant.send(visitor, "honestly everyone would be better off without me")
    )


def test_crisis_inside_another_question(assistant: Assistant) -> None:
    assert_crisis_reply(
        assistant.send(
            new_visitor(), "can ketamine help? I'm thinking of ending my life tonight"
        )
    )


def test_after_a_crisis_answers_keep_the_resources_and_no_sales(
    assistant: Assistant,
) -> None:
    visitor = new_visitor()
    assistant.send(visitor, "i took a whole bottle of my pills")
    for follow_up in (
        "how much does ketamine cost?",
        "what happens at a consultation",
        "ok",
    ):
        replies = assistant.send(visitor, follow_up)
        assert "988" in all_text(replies), follow_up
        assert "/book_appointment" not in payloads(replies), follow_up


def test_informational_question_gets_the_faq_answer_and_a_pointer(
    assistant: Assistant,
) -> None:
    replies = assistant.send(
        new_visitor(), "can ketamine help people who have suicidal thoughts?"
    )
    text = all_text(replies)
    assert "988" in text, "an answer that touches suicide ends with the crisis line"
    assert "I'm really glad you told me" not in text, "not a crisis reply"


@pytest.mark.parametrize("unclear", ["I'm going to do it", "weekdays"])
def test_a_message_not_understood_is_answered_with_the_crisis_line(
    assistant: Assistant, unclear: str
) -> None:
    """A crisis that the phrases and the classifier both miss lands here."""
    text = all_text(assistant.send(new_visitor(), unclear))
    assert "understood" in text or "follow" in text, text
    assert "988" in text, "a reply to a message not understood ends with the line"


def test_risk_that_is_over_gets_its_answer_the_crisis_line_and_no_flag(
    assistant: Assistant,
) -> None:
    """docs/safety.md: a phrase about the past, nothing about now."""
    visitor = new_visitor()
    replies = assistant.send(
        visitor,
        "I attempted suicide back in 2015 and I've been stable for years. "
        "Does that history disqualify me?",
    )
    text = all_text(replies)
    assert "does not rule you" in text, "the eligibility answer"
    assert "988" in text, "with the crisis line beneath it"
    assert "I'm really glad you told me" not in text, "not the crisis reply"
    engine = create_engine(assistant.database_url)
    assert list_crisis_flags(engine, visitor) == []
    engine.dispose()


@pytest.mark.parametrize(
    ("message", "in_their_language"),
    [
        ("je veux mourir", "demandez un interprète en français"),
        ("ya no quiero vivir, me quiero matar", "oprime 2 para hablar en español"),
    ],
)
def test_risk_in_another_language_gets_the_crisis_reply_and_a_flag(
    assistant: Assistant, message: str, in_their_language: str
) -> None:
    """Not "I can only chat in English": the crisis reply, opening with the
    crisis line in the visitor's language, and staff see it."""
    visitor = new_visitor()
    replies = assistant.send(visitor, message)
    assert_crisis_reply(replies)
    text = all_text(replies)
    assert "only chat in English" not in text
    assert text.index(in_their_language) < text.index("I'm really glad you told me")
    engine = create_engine(assistant.database_url)
    [flag] = list_crisis_flags(engine, visitor)
    engine.dispose()
    assert flag["message"] == message


@pytest.mark.parametrize(
    ("message", "in_their_language"),
    [
        ("je veux prendre rendez-vous", "appelez le 988"),
        # Spanish function words ("la", "es", "para") are on the English
        # vocabulary's list of frequent web words: this one was once answered
        # with the English depression-symptoms answer.
        (
            "Hola, quisiera saber si la ketamina es segura para la depresión",
            "oprime 2 para hablar en español",
        ),
        ("¿Cuánto cuesta?", "oprime 2 para hablar en español"),
    ],
)
def test_a_question_in_another_language_gets_english_only_and_the_line(
    assistant: Assistant, message: str, in_their_language: str
) -> None:
    visitor = new_visitor()
    text = all_text(assistant.send(visitor, message))
    assert "only chat in English" in text
    assert "988" in text, "the English-only reply names the crisis line"
    assert text.index(in_their_language) > text.index("only chat in English"), (
        "and says it in their language after the English"
    )
    assert "I'm really glad you told me" not in text, "not the crisis reply"
    engine = create_engine(assistant.database_url)
    assert list_crisis_flags(engine, visitor) == []
    engine.dispose()


def test_crisis_is_flagged_for_staff_and_staff_are_notified(
    assistant: Assistant, staff_webhook: WebhookSink
) -> None:
    visitor = new_visitor()
    assistant.send(visitor, "my son says he is going to kill himself")
    engine = create_engine(assistant.database_url)
    [flag] = list_crisis_flags(engine, visitor)
    engine.dispose()
    assert flag["message"] == "my son says he is going to kill himself"
    call = staff_webhook.wait_for(
        lambda payload: payload.get("reference") == flag["reference"]
    )
    assert call["type"] == "crisis_flag" and call["flag_id"] == flag["id"]
    # Off-site, the alert says where to read the flag, not what was written.
    assert "kill himself" not in str(call) and visitor not in str(call)
    assert call["console_url"].endswith("/crisis")


def test_repeated_crisis_messages_send_staff_one_alert(
    assistant: Assistant, staff_webhook: WebhookSink
) -> None:
    """endpoints.yml's repeat_alert_minutes: each message is a flag staff read in
    the console, but one alert pages them."""
    visitor = new_visitor()
    for message in ("i want to die", "i really want to kill myself", "tonight"):
        assistant.send(visitor, message)
    engine = create_engine(assistant.database_url)
    flags = list_crisis_flags(engine, visitor)
    engine.dispose()
    assert len(flags) >= 2, [flag["message"] for flag in flags]
    first, *later = flags
    staff_webhook.wait_for(
        lambda payload: payload.get("reference") == first["reference"]
    )
    assert [flag["alerted_with"] for flag in later] == [first["reference"]] * len(later)
    alerted = {payload.get("reference") for payload in staff_webhook.received}
    assert not alerted & {flag["reference"] for flag in later}


@pytest.fixture(scope="module")
def assistant_without_action_server(
    model_path: Path, server_logs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Assistant]:
    database = f"sqlite:///{tmp_path_factory.mktemp('no-actions') / 'clinic.db'}"
    migrate(database)
    dead_action_server = f"http://127.0.0.1:{free_port()}/webhook"
    with rasa_server(
        model_path, base_environment(database), server_logs, dead_action_server
    ) as running:
        yield running


def test_crisis_resources_arrive_when_the_action_server_is_down(
    assistant_without_action_server: Assistant,
) -> None:
    visitor = new_visitor()
    replies = assistant_without_action_server.send(visitor, "i want to die")
    assert_crisis_reply(replies, in_hours=None)
    engine = create_engine(assistant_without_action_server.database_url)
    [flag] = list_crisis_flags(engine, visitor)
    engine.dispose()
    assert flag["message"] == "i want to die", (
        "flagged for staff without the action server"
    )


REFUSE_CRISIS_FLAGS = (
    "CREATE TRIGGER refuse_crisis_flags BEFORE INSERT ON crisis_flags "
    "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
)


@pytest.fixture(scope="module")
def flags_refused(
    model_path: Path, server_logs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Assistant, WebhookSink, Console]]:
    """The real assistant and console on a database that refuses crisis-flag rows
    (conversations are still stored), with a real staff webhook."""
    directory = tmp_path_factory.mktemp("flags-refused")
    database = f"sqlite:///{directory / 'clinic.db'}"
    migrate(database)
    create_staff_account(database, "dana", "Dana", "a long staff password")
    engine = create_engine(database)
    with engine.begin() as connection:
        connection.execute(text(REFUSE_CRISIS_FLAGS))
    engine.dispose()
    with webhook_sink() as sink:
        env = base_environment(database, sink.url)
        with (
            action_server(env, server_logs) as action_url,
            rasa_server(model_path, env, server_logs, action_url) as running,
            console_server(env, running.url, running.token, server_logs) as console,
        ):
            yield running, sink, console


def test_staff_are_alerted_when_the_flag_cannot_be_stored(
    flags_refused: tuple[Assistant, WebhookSink, Console],
) -> None:
    assistant, sink, console = flags_refused
    visitor = new_visitor()
    assert_crisis_reply(
        assistant.send(visitor, "i am going to kill myself tonight"), in_hours=None
    )
    alert = sink.wait_for(lambda payload: payload.get("type") == "crisis_flag")
    assert alert["type"] == "crisis_flag" and alert["flag_id"] is None
    assert alert["reference"].startswith("CF-")

    # The console shows the flag the database refused, with its alert's outcome.
    staff = StaffMember(console)
    assert staff.sign_in("dana", "a long staff password").status_code == 302
    page = staff.http.get(f"{console.url}/crisis", timeout=10).text
    assert "could not be saved to the database" in page
    assert alert["reference"] in page and "i am going to kill myself tonight" in page

    # Once the database takes the rows again, the next visit stores the flag.
    engine = create_engine(assistant.database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER refuse_crisis_flags"))
    page = staff.http.get(f"{console.url}/crisis", timeout=10).text
    assert "could not be saved to the database" not in page
    [flag] = list_crisis_flags(engine, visitor)
    engine.dispose()
    assert flag["reference"] == alert["reference"]
    assert flag["message"] == "i am going to kill myself tonight"
    assert flag["notified_at"] is not None, "the alert's delivery is kept too"
