"""The widget for everyone: keyboard alone, screen readers, contrast, reduced
motion and a 360 px phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from harness.chat import Chat
from harness.web import DemoSite, staff_reply
from tests.browser.conftest import PHONE

# The innermost focused element, through shadow roots: "role|name".
INNERMOST = """
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) {
    el = el.shadowRoot.activeElement;
  }"""
FOCUSED = (
    "() => {"
    + INNERMOST
    + """
  if (!el) return '';
  const name = el.getAttribute('aria-label') || el.textContent.trim();
  return `${el.tagName.toLowerCase()}|${name.replace(/\\s+/g, ' ').slice(0, 60)}`;
}"""
)

# WCAG contrast of each element's text against the colour actually behind it.
CONTRASTS = """(selectors) => {
  const root = document.getElementById('clinic-chat').shadowRoot;
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => {
    v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => {
    for (let node = el; node; node = node.parentElement || node.getRootNode().host) {
      const [r, g, b, a = 1] = rgb(getComputedStyle(node).backgroundColor);
      if (a > 0) return [r, g, b];
    }
    return [255, 255, 255];
  };
  const result = {};
  for (const selector of selectors) {
    const el = root.querySelector(selector);
    if (!el) { result[selector] = null; continue; }
    const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))];
    result[selector] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  return result;
}"""

TEXT_ELEMENTS = [
    ".title",
    ".subtitle",
    ".welcome p",
    ".welcome a",
    ".welcome .small",
    ".msg.user",
    ".msg.bot",
    ".reply",
    ".send",
    ".foot span",
    ".link-button",
    ".composer textarea",
]


def focused(page: Page) -> str:
    return str(page.evaluate(FOCUSED))


def tab_until(page: Page, target: str, key: str = "Tab", limit: int = 40) -> list[str]:
    """Presses Tab (or Shift+Tab) until the focused element is `target`."""
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press(key)
        seen.append(focused(page))
        if seen[-1] == target:
            return seen
    raise AssertionError(f"{target!r} never focused; focus went through {seen}")


def has_focus_ring(page: Page) -> bool:
    return bool(
        page.evaluate(
            "() => {"
            + INNERMOST
            + """
          const style = getComputedStyle(el);
          return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
        }"""
        )
    )


def test_keyboard_alone_reaches_the_chat_its_input_and_its_buttons(chat: Chat) -> None:
    page = chat.page
    tab_until(page, "button|Chat with us")
    assert has_focus_ring(page)
    page.keyboard.press("Enter")
    expect(chat.input).to_be_focused()

    page.keyboard.type("how much does ketamine cost?")
    page.keyboard.press("Enter")
    chat.expect_in_log("consultation is")
    chat.wait_until_answered()

    # Forwards from the input: Send, then Start over.
    assert tab_until(page, "button|Start over", limit=2) == [
        "button|Send",
        "button|Start over",
    ]
    # Backwards: the suggested replies, then the header's buttons.
    seen = tab_until(page, "button|Minimise chat", key="Shift+Tab")
    assert "button|Does insurance cover it?" in seen
    assert "button|Close chat" in seen
    tab_until(page, "button|Does insurance cover it?")
    assert has_focus_ring(page)
    page.keyboard.press("Enter")
    chat.expect_in_log("Does insurance cover it?")
    expect(chat.input).to_be_focused()

    page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    expect(chat.launcher).to_be_focused()


def test_screen_readers_get_names_roles_and_a_live_region(chat: Chat) -> None:
    expect(chat.launcher).to_have_attribute("aria-expanded", "false")
    chat.open()
    expect(chat.panel).to_be_visible()
    expect(chat.log).to_have_attribute("aria-live", "polite")
    for name in ("Minimise chat", "Close chat", "Send", "Start over"):
        expect(chat.page.get_by_role("button", name=name)).to_be_visible()
    expect(chat.input).to_have_attribute("aria-describedby", "cc-hint")
    chat.say("hello")
    chat.wait_until_answered()
    # Who said what is spoken, not only shown by the bubble's side and colour.
    expect(chat.bubbles("user").first).to_contain_text("You said: hello")
    expect(chat.bubbles("bot").first.locator(".sr")).to_have_text("Assistant: ")


def test_open_minimise_restore_close_and_unread_count(chat: Chat) -> None:
    page = chat.page
    page.get_by_role("button", name="Ask our assistant a question").click()
    expect(chat.input).to_be_focused()  # the page's own buttons open the chat
    chat.say("hello")
    chat.wait_until_answered()

    page.get_by_role("button", name="Minimise chat").click()
    expect(chat.input).to_be_hidden()
    restore = page.get_by_role("button", name="Restore chat")
    expect(restore).to_be_focused()
    restore.click()
    expect(chat.input).to_be_focused()

    page.get_by_role("button", name="Close chat").click()
    expect(chat.panel).to_be_hidden()
    expect(chat.launcher).to_be_focused()
    staff_reply(
        chat.site.assistant, chat.session_id(), "Are you still there?", "Dana", False
    )
    expect(
        page.get_by_role("button", name="Chat with us 1 new message")
    ).to_be_visible()
    chat.launcher.click()
    chat.expect_in_log("Are you still there?")
    expect(chat.bubbles("user")).to_have_count(1)


@pytest.fixture
def phone(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context
    context.close()


def test_the_chat_works_360_px_wide(phone: BrowserContext, site: DemoSite) -> None:
    page = phone.new_page()
    chat = Chat(page, site).visit()
    chat.launcher.tap()
    chat.say("how long does a session take?")
    chat.expect_in_log("40 minutes")
    chat.wait_until_answered()

    panel = chat.panel.bounding_box()
    assert panel is not None
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    log = page.locator("#clinic-chat .log")
    assert log.evaluate("el => el.scrollWidth <= el.clientWidth")
    font_size = chat.input.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert font_size >= 16, "smaller text makes phones zoom in"
    targets = page.locator("#clinic-chat button:visible, #clinic-chat .reply:visible")
    small = [
        (box["width"], box["height"])
        for box in (t.bounding_box() for t in targets.all())
        if box and min(box["width"], box["height"]) < 44
    ]
    assert small == [], "tap targets must be at least 44 px"
    chat.quick_reply("How do I get home?").tap()
    chat.expect_in_log("ride")


def test_text_meets_wcag_aa_contrast(chat: Chat) -> None:
    chat.open()
    chat.say("how much does ketamine cost?")
    chat.wait_until_answered()
    contrasts = chat.page.evaluate(CONTRASTS, TEXT_ELEMENTS)
    assert {k: v for k, v in contrasts.items() if v is None or v < 4.5} == {}


def test_a_light_configured_colour_still_meets_wcag_aa(
    page: Page, site: DemoSite
) -> None:
    def light_colour(route: Route) -> None:
        response = route.fetch()
        body = response.text().replace('data-color="#1f5f66"', 'data-color="#ffd166"')
        route.fulfill(response=response, body=body)

    # A page served through route() counts as public to Chromium, which then
    # keeps it from the local Rasa server: the colours are checked unconnected,
    # with a message waiting to be sent.
    page.route(site.url + "/", light_colour)
    chat = Chat(page, site).visit()
    background = chat.launcher.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background == "rgb(255, 209, 102)", "the configured colour is used"
    launcher = chat.page.evaluate(CONTRASTS, [".launcher span"])
    chat.open()
    chat.say("how much does ketamine cost?")
    expect(chat.bubbles("user")).to_have_count(1)
    elements = [e for e in TEXT_ELEMENTS if e not in (".msg.bot", ".reply")]
    contrasts = {**launcher, **chat.page.evaluate(CONTRASTS, [*elements, ".pending"])}
    assert {k: v for k, v in contrasts.items() if v is None or v < 4.5} == {}


@pytest.mark.parametrize(
    ("motion", "animation"), [("reduce", "none"), ("no-preference", "cc-rise")]
)
def test_motion_follows_the_visitors_setting(
    chromium: Browser, site: DemoSite, motion: str, animation: str
) -> None:
    context = chromium.new_context(reduced_motion=motion)  # type: ignore[arg-type]
    try:
        chat = Chat(context.new_page(), site).visit().open()
        panel = chat.page.locator("#clinic-chat .panel")
        assert panel.evaluate("el => getComputedStyle(el).animationName") == animation
        typing = chat.page.locator("#clinic-chat .typing span").first
        expected = "none" if motion == "reduce" else "cc-blink"
        assert typing.evaluate("el => getComputedStyle(el).animationName") == expected
    finally:
        context.close()
