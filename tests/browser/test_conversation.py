"""A visitor's conversation through the widget, in Chromium, with the real servers."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from playwright.sync_api import BrowserContext, expect

from clinic.store.answer_feedback import feedback_for
from clinic.store.db import make_engine
from harness.chat import Chat
from harness.web import staff_reply

SIDE_EFFECTS = "what are the side effects of ketamine?"
SIDE_EFFECTS_ANSWER = "dizziness"
SESSION_ANSWER = "40 minutes"
DURATION_ANSWER = "fade"  # the answer on how long side effects last
T = TypeVar("T")


def test_a_question_gets_its_answer(chat: Chat) -> None:
    chat.open()
    chat.say(SIDE_EFFECTS)
    chat.expect_in_log(SIDE_EFFECTS_ANSWER)
    expect(chat.bubbles("user")).to_contain_text([SIDE_EFFECTS])


def test_a_quick_reply_sends_its_question(chat: Chat) -> None:
    chat.open()
    chat.say(SIDE_EFFECTS)
    chat.quick_reply("How long do they last?").click()
    chat.expect_in_log(DURATION_ANSWER)
    # The visitor sees the button's title as their message, not its payload.
    expect(chat.bubbles("user").last).to_contain_text("How long do they last?")
    expect(chat.input).to_be_focused()


def test_a_reload_shows_the_same_conversation(chat: Chat) -> None:
    chat.open()
    chat.say(SIDE_EFFECTS)
    chat.quick_reply("How long do they last?").click()
    chat.expect_in_log(DURATION_ANSWER)
    chat.wait_until_answered()
    before = chat.log.inner_text()
    session = chat.session_id()

    chat.page.reload()

    expect(chat.input).to_be_visible()  # the panel stays open in this tab
    expect(chat.log).to_have_text(before, use_inner_text=True)
    assert chat.session_id() == session
    chat.say("thanks")
    chat.wait_until_answered()
    expect(chat.bubbles("user")).to_have_count(3)


def test_a_second_tab_shows_and_continues_the_same_conversation(
    chat: Chat, context: BrowserContext
) -> None:
    chat.open()
    chat.say(SIDE_EFFECTS)
    chat.expect_in_log(SIDE_EFFECTS_ANSWER)
    chat.wait_until_answered()

    second = Chat(context.new_page(), chat.site).visit().open()
    second.expect_in_log(SIDE_EFFECTS_ANSWER)
    second.say("how long does a session take?")
    second.expect_in_log(SESSION_ANSWER)
    chat.expect_in_log(SESSION_ANSWER)  # the first tab is in the same conversation
    second.wait_until_answered()
    chat.wait_until_answered()

    for tab in (chat, second):
        expect(tab.bubbles("bot").filter(has_text=SESSION_ANSWER)).to_have_count(1)
        expect(tab.bubbles("user")).to_have_count(2)


def test_start_over_starts_a_new_conversation(chat: Chat) -> None:
    chat.open()
    chat.say("hi")
    chat.expect_in_log("medical advice")  # the first greeting introduces the bot
    chat.wait_until_answered()
    old_session = chat.session_id()

    chat.page.get_by_role("button", name="Start over").click()
    confirm = chat.page.get_by_role("group", name="Start a new conversation?")
    expect(confirm.get_by_role("button", name="Keep this conversation")).to_be_focused()
    confirm.get_by_role("button", name="Start over").click()

    expect(chat.bubbles("user")).to_have_count(0)
    expect(chat.bubbles("bot")).to_have_count(0)
    assert chat.session_id() != old_session
    # Rasa sees a new visitor: the first, long greeting again (an old
    # conversation gets a short "hello again").
    chat.say("hi")
    chat.expect_in_log("medical advice")
    chat.wait_until_answered()
    tracker = chat.site.assistant.tracker(chat.session_id())
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["hi"]


def test_a_message_written_offline_is_kept_and_sent_when_back_online(
    chat: Chat, context: BrowserContext
) -> None:
    chat.open()
    chat.say("hello")
    chat.wait_until_answered()

    context.set_offline(True)
    expect(chat.page.get_by_role("status")).to_contain_text("offline")
    chat.say("how long does a session take?")
    chat.say(SIDE_EFFECTS)
    waiting = chat.page.locator("#clinic-chat .row.user").filter(
        has_text="Waiting to send"
    )
    expect(waiting).to_have_count(2)
    stored = [e for e in chat.stored()["entries"] if e["role"] == "user"]
    assert [e["status"] for e in stored] == ["sent", "queued", "queued"]

    context.set_offline(False)

    chat.expect_in_log(SESSION_ANSWER)
    chat.expect_in_log(SIDE_EFFECTS_ANSWER)
    chat.wait_until_answered()
    expect(waiting).to_have_count(0)
    expect(chat.page.get_by_role("status")).to_have_text("")
    # Sent in the order they were written, each answer under its question.
    answers = chat.bubbles("bot").all_inner_texts()
    first = next(i for i, t in enumerate(answers) if SESSION_ANSWER in t)
    second = next(i for i, t in enumerate(answers) if SIDE_EFFECTS_ANSWER in t)
    assert first < second


def test_staff_replies_arrive_live_with_the_staff_members_name(chat: Chat) -> None:
    chat.open()
    chat.say("can I talk to a real person?")
    chat.wait_until_answered()
    session = chat.session_id()
    assistant = chat.site.assistant

    staff_reply(assistant, session, "Hi, I'm Dana from the clinic.", "Dana", True)
    staff_reply(assistant, session, "What would you like to know?", "Dana", False)

    staff = chat.bubbles("staff")
    expect(staff).to_have_count(2, timeout=10_000)
    expect(staff.first).to_contain_text("Dana · clinic team")
    expect(staff.first).to_contain_text("Hi, I'm Dana from the clinic.")
    expect(staff.last).to_contain_text("What would you like to know?")
    # The console's plain copy of a reply is not shown twice.
    expect(chat.log.get_by_text("Hi, I'm Dana from the clinic.")).to_have_count(1)

    chat.page.reload()
    expect(chat.bubbles("staff")).to_have_count(2)


def test_a_typing_indicator_shows_until_the_answer_arrives(chat: Chat) -> None:
    chat.open()
    chat.page.evaluate(
        """() => {
          const typing = document.getElementById('clinic-chat')
            .shadowRoot.querySelector('.typing');
          window.typingSeen = false;
          new MutationObserver(() => { if (!typing.hidden) window.typingSeen = true; })
            .observe(typing, { attributes: true });
        }"""
    )
    chat.say(SIDE_EFFECTS)
    chat.expect_in_log(SIDE_EFFECTS_ANSWER)
    chat.wait_until_answered()
    assert chat.page.evaluate("window.typingSeen") is True
    expect(chat.page.locator("#clinic-chat .typing")).to_be_hidden()


def test_a_thumbs_down_under_an_answer_is_stored_for_review(chat: Chat) -> None:
    chat.open()
    chat.say(SIDE_EFFECTS)
    chat.expect_in_log(SIDE_EFFECTS_ANSWER)
    chat.wait_until_answered()
    answer = chat.page.locator("#clinic-chat .row.bot", has_text=SIDE_EFFECTS_ANSWER)
    answer.get_by_role("button", name="This answer did not help").click()

    thanks = answer.get_by_text("Thanks for telling us.")
    expect(thanks).to_be_focused()
    not_helpful = answer.get_by_role("button", name="This answer did not help")
    expect(not_helpful).to_have_count(0)
    engine = make_engine(chat.site.assistant.database_url)
    try:
        rows = poll(lambda: feedback_for(engine, chat.session_id()))
    finally:
        engine.dispose()
    assert [row["rating"] for row in rows] == ["down"]
    assert SIDE_EFFECTS_ANSWER in rows[0]["bot_text"]
    # The widget keeps the rating with the answer it rated, word for word.
    rated = [e for e in chat.stored()["entries"] if e.get("rated") == "down"]
    assert [e["text"].strip() for e in rated] == [rows[0]["bot_text"]]


def poll(read: Callable[[], list[T]], timeout: float = 10.0) -> list[T]:
    """What `read` returns once it is not empty (the server stores it meanwhile)."""
    deadline = time.monotonic() + timeout
    while not (found := read()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return found
