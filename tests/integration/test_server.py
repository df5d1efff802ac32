"""The real Rasa server and action server over HTTP, as the clinic's checks use them."""

from __future__ import annotations

import uuid

import pytest
import requests

from clinic.evaluation import contract_label, label_from_parse
from harness.proc import cpu_seconds_by_thread
from harness.servers import Assistant


def new_visitor() -> str:
    return f"visitor-{uuid.uuid4().hex[:8]}"


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def test_rest_webhook_answers_a_question(assistant: Assistant) -> None:
    replies = assistant.send(new_visitor(), "what are the side effects of ketamine?")
    assert "dizziness" in texts(replies) or "dissociat" in texts(replies).lower()


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("how does ketamine actually work in the brain", "faq/mechanism"),
        ("how much does one infusion cost", "faq/cost"),
        ("i want to book a consultation", "book_appointment"),
        ("can i talk to a real person please", "human_handoff"),
        ("hello", "greet"),
    ],
)
def test_model_parse_reports_contract_labels(
    assistant: Assistant, text: str, label: str
) -> None:
    parse = assistant.parse(text)
    # The contract's label is the topic; the answer key may name one of its
    # answers (faq/cost.price).
    assert contract_label(label_from_parse(parse)) == label
    if label.startswith("faq/"):
        key = parse["response_selector"]["faq"]["response"]["intent_response_key"]
        assert contract_label(key) == label


def test_model_parse_needs_the_token(assistant: Assistant) -> None:
    response = requests.post(
        f"{assistant.url}/model/parse", json={"text": "hi"}, timeout=10
    )
    assert response.status_code == 401


def test_first_greeting_says_what_the_assistant_is(assistant: Assistant) -> None:
    [greeting] = assistant.send(new_visitor(), "hi there")
    text = greeting["text"]
    assert "not a clinician" in text and "medical advice" in text
    assert "988" in text, "the greeting must carry the crisis line"
    assert "Harbor Light" in text, "clinic facts come from config/clinic.yml"


def test_later_greeting_is_short(assistant: Assistant) -> None:
    visitor = new_visitor()
    assistant.send(visitor, "hello")
    [again] = assistant.send(visitor, "hi again")
    assert "medical advice" not in again["text"]


def test_faq_answers_offer_next_questions_as_buttons(assistant: Assistant) -> None:
    replies = assistant.send(new_visitor(), "what happens during an infusion session")
    buttons = [b for reply in replies for b in reply.get("buttons", [])]
    assert any(b["payload"] == "/book_appointment" for b in buttons)


def test_several_questions_and_short_follow_ups(assistant: Assistant) -> None:
    visitor = new_visitor()
    conversation = [
        ("how does ketamine work for depression", "glutamate"),
        ("and the side effects?", "dizz"),
        ("how many of those infusions do i need?", "six infusions"),
        ("what about insurance", "insur"),
    ]
    for message, expected in conversation:
        reply = texts(assistant.send(visitor, message)).lower()
        assert expected in reply, f"{message!r} got {reply!r}"


def test_medical_advice_is_declined_with_a_person_offered(assistant: Assistant) -> None:
    replies = assistant.send(
        new_visitor(), "how many mg of ketamine should i take at home"
    )
    parse = assistant.parse("can i double my sertraline dose this week")
    assert label_from_parse(parse) == "out_of_scope/medical_advice"
    assert "can't give personal medical advice" in texts(replies)
    assert "prescriber" in texts(replies)
    assert "/human_handoff" in [
        b["payload"] for r in replies for b in r.get("buttons", [])
    ]


def test_unclear_twice_offers_a_person(assistant: Assistant) -> None:
    # The classifier is rarely unsure of English text, so the two misses are sent
    # as the fallback intent itself; rules and action run as for any unclear text.
    visitor = new_visitor()
    first = texts(assistant.send(visitor, "/nlu_fallback"))
    second = texts(assistant.send(visitor, "/nlu_fallback"))
    assert "not sure I understood" in first or "rephrase" in first
    assert "(555) 010-0142" in second, "the second miss offers the clinic's phone line"


def test_the_running_server_has_not_loaded_tensorflow(assistant: Assistant) -> None:
    """TensorFlow alone is about 540 MB resident; nothing this model does needs it
    (clinic/rasa_patches/speed.py defers it)."""
    replies = assistant.send(new_visitor(), "how long does a session take")
    assert texts(replies)
    with open(f"/proc/{assistant.pid}/maps") as maps:
        libraries = {line.split()[-1] for line in maps if "/" in line}
    assert any("spacy" in library for library in libraries)
    assert not [library for library in libraries if "tensorflow" in library]


# A visitor's long, rambling message: the sentence encoder reads up to 1,000
# characters of it (config.yml), its largest matrices.
RAMBLING = (
    "i have been feeling low for months and my doctor mentioned ketamine, "
    "i am not sure how it works or whether it is safe with what i take, "
) * 7


def test_the_server_reads_messages_on_one_blas_thread(assistant: Assistant) -> None:
    """clinic/cpu.py gives the server one BLAS thread: OpenBLAS's others
    spun for the encoder's small matrices (docs/performance.md). Messages under
    2,000 characters are read on the event loop's thread, the main one."""
    before = cpu_seconds_by_thread(assistant.pid)
    for n in range(15):
        assert assistant.send(new_visitor(), f"{n} {RAMBLING}")
    after = cpu_seconds_by_thread(assistant.pid)
    spent = {
        thread: after[thread] - before.get(thread, 0.0)
        for thread in after
        if after[thread] > before.get(thread, 0.0)
    }
    total = sum(spent.values())
    assert total > 0.3, spent  # enough work to tell where it went
    assert spent.get(assistant.pid, 0.0) >= 0.85 * total, spent
