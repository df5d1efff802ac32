"""Whatever a visitor sends, the server answers politely: never a 500 or a traceback."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from clinic.limits import (
    MAX_KEPT_MESSAGE_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_REQUEST_BYTES,
    TOO_LONG_TEXT,
)
from harness.adversarial import the_words_of_every_phrase_to_the_limit
from harness.conversation import Visitor
from harness.proc import cpu_seconds
from harness.servers import Assistant

BAD_INPUTS = {
    "empty": "",
    "whitespace": "   \n\t  ",
    "fifty_thousand_characters": "ketamine " * 5555 + "price?",
    "emoji_only": "😀😀🙏💊",
    "control_characters": "\x00\x01\x1b[2J\x7f",
    "html_script": "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "spanish": "hola, cuánto cuesta el tratamiento con ketamina?",
    "chinese": "氯胺酮治疗抑郁症有效吗",
    "binary_junk": bytes(range(256)).decode("latin-1"),
    "sql_injection": "'; DROP TABLE events; --",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gets_a_polite_reply(assistant: Assistant, name: str) -> None:
    response = requests.post(
        f"{assistant.url}/webhooks/rest/webhook",
        json={
            "sender": f"bad-{name}-{uuid.uuid4().hex[:6]}",
            "message": BAD_INPUTS[name],
        },
        timeout=60,
    )
    assert response.status_code == 200
    replies = response.json()
    assert replies, f"{name}: no reply at all"
    text = " ".join(reply.get("text", "") for reply in replies)
    assert text.strip()
    assert "Traceback" not in text and "Exception" not in text


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_parses_without_error(assistant: Assistant, name: str) -> None:
    parse = assistant.parse(BAD_INPUTS[name])
    assert "intent" in parse


def test_another_language_is_told_the_assistant_speaks_english(
    assistant: Assistant,
) -> None:
    replies = assistant.send("bad-lang", BAD_INPUTS["spanish"])
    assert "English" in " ".join(reply.get("text", "") for reply in replies)


def test_an_english_question_with_a_rare_word_is_answered(assistant: Assistant) -> None:
    """A real visitor's question whose word the vocabulary lacks is still English."""
    replies = assistant.send("rare-word", "Will I hallucinate?")
    text = " ".join(reply.get("text", "") for reply in replies)
    assert "only chat in English" not in text
    assert assistant.parse("Will I hallucinate?")["intent"]["name"] == "faq"


def test_markup_is_never_echoed_back(assistant: Assistant) -> None:
    replies = assistant.send("bad-html", BAD_INPUTS["html_script"])
    assert "<script>" not in " ".join(reply.get("text", "") for reply in replies)


def test_malformed_request_body_is_a_client_error(assistant: Assistant) -> None:
    response = requests.post(
        f"{assistant.url}/webhooks/rest/webhook", data=b"\xff\xfe not json", timeout=30
    )
    assert 400 <= response.status_code < 500


def post_raw(assistant: Assistant, body: bytes) -> requests.Response:
    return requests.post(
        f"{assistant.url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )


@pytest.mark.parametrize(
    "body",
    [
        b"[1, 2]",
        b'"hello"',
        b'{"sender": ["x"], "message": "hi"}',
        b'{"sender": "' + b"s" * 5000 + b'", "message": "hi"}',
        b'{"sender": "v", "message": {"text": "hi"}}',
        b'{"message": "hi"}',
        b'{"sender": "", "message": "hi"}',
    ],
    ids=[
        "array",
        "string",
        "sender-list",
        "sender-5000",
        "message-object",
        "no-sender",
        "empty-sender",
    ],
)
def test_a_body_of_the_wrong_shape_is_a_client_error(
    assistant: Assistant, body: bytes
) -> None:
    response = post_raw(assistant, body)
    assert response.status_code == 400
    assert "error" in response.json()


def test_a_message_over_the_limit_is_refused_politely(assistant: Assistant) -> None:
    response = requests.post(
        f"{assistant.url}/webhooks/rest/webhook",
        json={"sender": "too-long", "message": "a" * (MAX_MESSAGE_CHARS + 1)},
        timeout=30,
    )
    assert response.status_code == 413
    assert response.json()["messages"][0]["text"] == TOO_LONG_TEXT


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    assistant: Assistant,
) -> None:
    body = b'{"sender": "huge", "message": "' + b"a" * MAX_REQUEST_BYTES + b'"}'
    assert post_raw(assistant, body).status_code == 413


ADVERSARIAL = {
    "unclosed_script": "<script>" * (MAX_MESSAGE_CHARS // 8),
    "punctuation_run": "?" * (MAX_MESSAGE_CHARS - 1) + "x",
    "spaces_then_thanks": " " * (MAX_MESSAGE_CHARS - 2) + "!x",
    "address_characters": "a" * (MAX_MESSAGE_CHARS - 2) + "@x",
    # thousands of "over" and "now" matches beside a crisis phrase: compared
    # each with each, they took 1.4 s of the detector's time alone
    "past_and_present_words": "back in now again " * (MAX_MESSAGE_CHARS // 18 - 2)
    + "i want to die",
    # the words of every crisis phrase and its context, over and over: every
    # pattern is tried on every slice (the most the detector's matching costs)
    "every_phrase_word": the_words_of_every_phrase_to_the_limit(),
}


# The most a message of ordinary words can ask of the server: the maximum size,
# with a crisis phrase at the end (the crisis detector reads it whole, with the
# context of every phrase).
ORDINARY = (
    "I have been feeling low for months and my doctor mentioned ketamine, so I "
    "would like to know how the first visit goes. "
) * (MAX_MESSAGE_CHARS // 120)
ORDINARY = ORDINARY[: MAX_MESSAGE_CHARS - 20] + " i want to die"


# An ordinary message is matched with the few crisis patterns its words allow
# (clinic/safety/matching.py); this one with all 409 over every token: the
# most the detector's matching can cost, 1.4-2.0 s here (docs/performance.md),
# linear in the length. It is answered later than the issue's 2 s, and the
# hello behind it no later than behind any other.
COST_FACTOR = {"every_phrase_word": 4}
MAX_LARGE_SECONDS = {"every_phrase_word": 4.0}
ISSUE_LARGE_SECONDS = 2.0
MAX_HELLO_SECONDS = 1.0


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_a_maximum_size_adversarial_message_stalls_nobody(
    assistant: Assistant, name: str
) -> None:
    """Sent together, the large message first: the large one is answered
    within 2 s and another visitor's hello within 1 s (issue 24), a long message
    being read on a worker thread beside the server's loop
    (clinic/rasa_patches/off_the_loop.py); when the large one takes long, the
    hello is answered in less than half its time. And the large one costs the
    Rasa server at most twice what an ordinary message of the same size does
    (``COST_FACTOR``): its
    CPU seconds between sending and answer (read from /proc) compared with the
    ordinary message's, measured just before on the same server, which catches
    a pathological input on any machine (the quadratic markup pattern of issue
    24 took 16.7 s, growing with the square of the length)."""

    def send(sender: str, text: str) -> tuple[float, float, requests.Response]:
        start, cpu = time.monotonic(), cpu_seconds(assistant.pid)
        response = requests.post(
            f"{assistant.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        )
        return cpu_seconds(assistant.pid) - cpu, time.monotonic() - start, response

    def cheaper_send(sender: str, text: str) -> float:
        cpu, _, response = send(sender, text)
        assert response.status_code == 200 and response.json()
        return cpu

    assistant.send(f"warm-{name}", "hi")
    # Costs are the cheaper of two sends: one send of the same message took
    # 1.5-2.6 s of CPU here (the first reading's one-off work, such as spelling
    # repairs cached after, and noise), and a pathological input is slow on
    # every send.
    ordinary_cpu = min(cheaper_send(f"ordinary-{name}-{n}", ORDINARY) for n in "ab")
    with ThreadPoolExecutor(max_workers=2) as pool:
        large = pool.submit(send, f"adv-{name}", ADVERSARIAL[name])
        time.sleep(0.05)  # the large one first, so the hello waits behind it
        hello = pool.submit(send, f"hello-{name}", "hello")
        large_cpu, large_wall, large_response = large.result()
        _, hello_wall, hello_response = hello.result()
    assert large_response.status_code == 200 and large_response.json()
    assert hello_response.status_code == 200 and hello_response.json()
    large_cpu = min(large_cpu, cheaper_send(f"adv-again-{name}", ADVERSARIAL[name]))
    costs = f"{name}: {large_cpu:.2f} s, ordinary {ordinary_cpu:.2f} s"
    assert large_cpu < COST_FACTOR.get(name, 2) * max(ordinary_cpu, 0.5), costs
    assert large_wall < MAX_LARGE_SECONDS.get(name, ISSUE_LARGE_SECONDS), costs
    waits = f"{costs}; answered in {large_wall:.2f} s, the hello in {hello_wall:.2f} s"
    assert hello_wall < MAX_HELLO_SECONDS, waits
    if large_wall > 2 * MAX_HELLO_SECONDS / 3:
        # On any machine: the hello did not wait for the large one to be read.
        assert hello_wall < large_wall / 2, waits


def test_long_messages_do_not_stop_a_conversations_custom_actions(
    assistant: Assistant,
) -> None:
    """The action server is sent the whole conversation on every custom action:
    after four maximum-size messages (1.5 MB as JSON each) the visitor can
    still book (the booking form runs on the action server)."""
    visitor = Visitor(assistant)
    long_text = "é" * (MAX_MESSAGE_CHARS - 10)
    for _ in range(4):
        assert visitor.say(long_text).messages
    reply = visitor.say("i'd like to book a consultation")
    assert visitor.active_loop() == "booking_form", reply.responses


def test_a_long_message_is_read_whole_and_kept_cut(assistant: Assistant) -> None:
    """The crisis detector reads all 60,000 characters; the conversation keeps
    the first MAX_KEPT_MESSAGE_CHARS (what staff read, what is stored)."""
    visitor = Visitor(assistant)
    long_text = "ketamine " * 6600 + "and tonight i want to end my life"
    reply = visitor.say(long_text)
    assert "988" in reply.text, "the risk at the very end was read"
    [kept] = [
        event["text"]
        for event in assistant.tracker(visitor.sender)["events"]
        if event["event"] == "user"
    ]
    assert kept.startswith(long_text[:MAX_KEPT_MESSAGE_CHARS])
    assert len(kept) < MAX_KEPT_MESSAGE_CHARS + 60
    assert kept.endswith("more characters not kept]")
