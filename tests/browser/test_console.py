"""The staff console in a real browser (Debian's Chromium): sign in, see a live
ticket arrive without reloading, join, reply, hand back; and the page cannot
read conversations from the Rasa API itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from harness.live_chat import (
    PASSWORD,
    SITE,
    Console,
    SocketVisitor,
    console_server,
)
from harness.servers import Assistant


@pytest.fixture
def console(
    live_assistant: Assistant, live_chat_env: dict[str, str], server_logs: Path
) -> Iterator[Console]:
    with console_server(
        live_chat_env, live_assistant.url, live_assistant.token, server_logs
    ) as running:
        yield running


@pytest.fixture
def staff_page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def sign_in(page: Page, console: Console, username: str) -> None:
    page.goto(f"{console.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Open tickets")).to_be_visible()


def test_staff_see_a_live_ticket_arrive_reply_and_hand_back(
    staff_page: Page, console: Console, live_assistant: Assistant
) -> None:
    page = staff_page
    sign_in(page, console, "dana")
    page.get_by_role("button", name="I'm available").click()
    expect(page.get_by_text("You are available")).to_be_visible()

    visitor = SocketVisitor(live_assistant.url, origin=SITE)
    try:
        visitor.say("can I talk to a real person please")
        visitor.wait_for_text("asked")

        # The ticket arrives in the open page, highlighted, without a reload.
        new_row = page.locator("#tickets tr.new")
        expect(new_row).to_have_count(1, timeout=15_000)
        expect(new_row).to_contain_text("waiting for someone to join")
        new_row.get_by_role("link").click()

        expect(page.locator("#transcript")).to_contain_text("real person")
        page.get_by_role("button", name="Join this chat").click()
        visitor.wait_for_text("has joined")

        page.get_by_label("Reply to the visitor").fill("Hello, I'm Dana.")
        page.get_by_role("button", name="Send").click()
        [reply] = visitor.wait_for(lambda m: m.get("staff_name") == "Dana")
        assert reply["text"] == "Hello, I'm Dana."
        expect(page.get_by_label("Reply to the visitor")).to_have_value("")

        visitor.say("thank you, that helps")
        expect(page.locator("#transcript")).to_contain_text("thank you, that helps")

        # The page holds no Rasa token, and Rasa does not let it read anything.
        outcome = page.evaluate(
            """url => fetch(url).then(r => 'status ' + r.status, () => 'blocked')""",
            f"{live_assistant.url}/conversations/{visitor.session_id}/tracker",
        )
        assert outcome in ("blocked", "status 401"), outcome
        assert live_assistant.token not in page.content()

        page.get_by_role("button", name="Hand back to the assistant").click()
        visitor.wait_for_text("handed you back")
        expect(page.locator("#ticket-status")).to_have_text(
            "handed back to the assistant"
        )
    finally:
        visitor.close()
