"""The widget as a visitor uses it, through Playwright (a page object)."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Locator, Page, expect

from clinic.settings import ClinicSettings
from harness.servers import clinic_settings
from harness.web import DemoSite

# Answers from the real servers on a busy two-core machine.
ANSWER_TIMEOUT_MS = 30_000


class Chat:
    def __init__(self, page: Page, site: DemoSite) -> None:
        self.page = page
        self.site = site
        self.launcher = page.get_by_role("button", name="Chat with us")
        self.panel = page.get_by_role("dialog", name=clinic().name)
        self.input = page.get_by_role("textbox", name="Your message")
        self.log = page.get_by_role("log", name="Conversation")
        self.banner = page.locator("#clinic-chat section.crisis")

    def visit(self) -> Chat:
        self.page.goto(self.site.url)
        expect(self.launcher).to_be_visible()
        return self

    def open(self) -> Chat:
        self.launcher.click()
        expect(self.input).to_be_focused()
        return self

    def say(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def expect_in_log(self, text: str) -> None:
        expect(self.log).to_contain_text(text, timeout=ANSWER_TIMEOUT_MS)

    def wait_until_answered(self) -> None:
        """Every message sent and confirmed (the server answers after replying)."""
        unsent = self.page.locator("#clinic-chat .row.user:not([data-status=sent])")
        expect(unsent).to_have_count(0, timeout=ANSWER_TIMEOUT_MS)
        expect(self.page.locator("#clinic-chat .typing")).to_be_hidden(
            timeout=ANSWER_TIMEOUT_MS
        )

    def quick_reply(self, title: str) -> Locator:
        return self.page.get_by_role("group", name="Suggested replies").get_by_role(
            "button", name=title
        )

    def bubbles(self, kind: str) -> Locator:
        return self.page.locator(f"#clinic-chat .msg.{kind}")

    def stored(self) -> dict[str, Any]:
        raw = self.page.evaluate(
            "server => localStorage.getItem('clinic-chat:v1:' + server)",
            self.site.assistant.url,
        )
        return json.loads(raw)

    def session_id(self) -> str:
        return str(self.stored()["sessionId"])


def clinic() -> ClinicSettings:
    """The clinic the demo site shows (config/clinic.yml)."""
    return clinic_settings()
