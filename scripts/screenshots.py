"""Screenshots of the demo page and the chat widget for docs/: ``make screenshots``.

Starts its own action server, Rasa server and demo site (fresh SQLite database),
drives Debian's Chromium with Playwright and writes
- docs/site.png            the landing page, desktop width, whole page
- docs/widget-desktop.png  the widget open after a question, 1280 x 800
- docs/widget-phone.png    the widget open after a question, 360 x 740
- docs/widget-crisis-phone.png  the crisis banner, 360 x 740
Motion is turned off (reduced motion), so nothing is caught mid-animation.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from harness.chat import Chat
from harness.web import DemoSite, chromium_executable, launch_chromium, web_stack

DOCS = Path(__file__).resolve().parents[1] / "docs"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


def shoot(
    browser: Browser,
    site: DemoSite,
    viewport: dict[str, int],
    question: str,
    out: Path,
    scale: int = 1,
) -> None:
    context = browser.new_context(
        viewport=viewport,
        device_scale_factor=scale,
        reduced_motion="reduce",
        is_mobile=viewport["width"] < 480,
        has_touch=viewport["width"] < 480,
    )
    try:
        chat = Chat(context.new_page(), site).visit().open()
        chat.say(question)
        chat.wait_until_answered()
        chat.page.screenshot(path=str(out))
        print(f"wrote {out.relative_to(DOCS.parent)}")
    finally:
        context.close()


def shoot_page(browser: Browser, site: DemoSite, out: Path) -> None:
    context = browser.new_context(viewport=DESKTOP, reduced_motion="reduce")
    try:
        Chat(context.new_page(), site).visit().page.screenshot(
            path=str(out), full_page=True
        )
        print(f"wrote {out.relative_to(DOCS.parent)}")
    finally:
        context.close()


def main() -> int:
    executable = chromium_executable()
    if executable is None:
        print("Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)")
        return 1
    with web_stack() as site, sync_playwright() as playwright:
        browser = launch_chromium(playwright, executable)
        shoot_page(browser, site, DOCS / "site.png")
        shoot(
            browser,
            site,
            DESKTOP,
            "how much does ketamine cost?",
            DOCS / "widget-desktop.png",
        )
        shoot(
            browser,
            site,
            PHONE,
            "what happens during an infusion session?",
            DOCS / "widget-phone.png",
            scale=2,
        )
        shoot(
            browser,
            site,
            PHONE,
            "i can't do this anymore, i want to end my life",
            DOCS / "widget-crisis-phone.png",
            scale=2,
        )
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
