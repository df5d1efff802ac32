"""Browser tests: Debian's Chromium, driven by Playwright, against the real
Rasa server, action server and demo site (no mocks)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from harness.chat import Chat
from harness.servers import Assistant
from harness.web import (
    DemoSite,
    demo_site,
    launch_chromium,
    require_chromium,
    require_widget_bundle,
)

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    # Package scope: Playwright's own event loop is gone before async tests run.
    executable = require_chromium()
    require_widget_bundle()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, executable)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def site(
    chromium: Browser, assistant: Assistant, site_port: int, server_logs: Path
) -> Iterator[DemoSite]:
    with demo_site(assistant, site_port, server_logs) as running:
        yield running


@pytest.fixture
def context(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context(viewport=DESKTOP)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def chat(page: Page, site: DemoSite) -> Chat:
    return Chat(page, site).visit()
