"""What the widget must never do (run visitors' or staff's HTML, open unsafe
links, load code from elsewhere) and what it must always do (keep crisis
resources in view once they were given)."""

from __future__ import annotations

from playwright.sync_api import Dialog, Page, expect

from harness.chat import Chat, clinic
from harness.web import DemoSite, staff_reply

INJECTION = "<img src=x onerror=alert(1)>"


def test_html_in_messages_is_shown_as_text_and_never_run(
    page: Page, site: DemoSite
) -> None:
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    chat = Chat(page, site).visit().open()

    chat.say(INJECTION)
    chat.wait_until_answered()
    staff_reply(
        site.assistant,
        chat.session_id(),
        "<b>bold</b><script>window.pwned = 1</script>",
        "Dana<img src=y onerror=alert(2)>",
        False,
    )

    expect(chat.bubbles("user").first).to_have_text(f"You said: {INJECTION}")
    # The page's CSP would also stop inline handlers; the proof that the widget
    # needs no CSP is that no element at all was made from message text.
    expect(chat.bubbles("staff")).to_contain_text("<script>window.pwned = 1</script>")
    widget = page.locator("#clinic-chat")
    expect(widget.locator("img, b, script")).to_have_count(0)
    # With no element made from the text there is no handler to wait for: the
    # dialogs and the global are read at once, not after a sleep.
    assert dialogs == []
    assert page.evaluate("window.pwned") is None


def test_links_are_made_only_for_web_addresses_and_open_safely(chat: Chat) -> None:
    chat.open()
    chat.say("I'd like to book a consultation")
    # The online scheduler button (a web address) is a link, not a message.
    scheduler = chat.page.get_by_role("link", name="Pick a time online instead")
    expect(scheduler).to_have_attribute("href", clinic().booking_url)
    expect(scheduler).to_have_attribute("target", "_blank")
    expect(scheduler).to_have_attribute("rel", "noopener noreferrer")
    chat.wait_until_answered()
    staff_reply(
        chat.site.assistant,
        chat.session_id(),
        "See https://example.org/info. Also [our form](https://example.org/form), "
        "[bad](javascript:alert(1)) and [data](data:text/html,hi).",
        "Dana",
        False,
    )
    bubble = chat.bubbles("staff")
    expect(bubble).to_contain_text("bad and data.")
    links = bubble.get_by_role("link")
    expect(links).to_have_count(2)
    hrefs = [links.nth(i).get_attribute("href") for i in range(2)]
    assert hrefs == ["https://example.org/info", "https://example.org/form"]
    for link in links.all():
        expect(link).to_have_attribute("target", "_blank")
        expect(link).to_have_attribute("rel", "noopener noreferrer")
    unsafe = chat.page.locator(
        "#clinic-chat a[href^='javascript'], #clinic-chat a[href^='data']"
    )
    expect(unsafe).to_have_count(0)


def test_a_crisis_reply_pins_the_crisis_resources_until_start_over(chat: Chat) -> None:
    crisis = clinic().crisis
    chat.open()
    expect(chat.banner).to_be_hidden()

    chat.say("i want to kill myself")

    expect(chat.banner).to_be_visible(timeout=30_000)
    expect(
        chat.banner.get_by_role("link", name=f"Call {crisis.call}")
    ).to_have_attribute("href", f"tel:{crisis.call}")
    expect(
        chat.banner.get_by_role("link", name=f"Emergency: {crisis.emergency}")
    ).to_have_attribute("href", f"tel:{crisis.emergency}")
    chat.banner.get_by_text("More ways to get help now").click()
    for resource in crisis.resources:
        expect(chat.banner.get_by_text(resource)).to_be_visible()
    chat.wait_until_answered()

    # Still in view after more questions and after a reload.
    chat.say("how much does ketamine cost?")
    chat.wait_until_answered()
    expect(chat.banner).to_be_in_viewport()
    chat.page.reload()
    expect(chat.banner).to_be_in_viewport()

    chat.page.get_by_role("button", name="Start over").click()
    chat.page.get_by_role("group", name="Start a new conversation?").get_by_role(
        "button", name="Start over"
    ).click()
    expect(chat.banner).to_be_hidden()


def test_crisis_words_in_a_message_do_not_raise_the_banner(chat: Chat) -> None:
    # The banner follows the server's crisis data, never the wording of a text.
    chat.open()
    chat.say("hello")
    chat.wait_until_answered()
    staff_reply(
        chat.site.assistant,
        chat.session_id(),
        "If you ever feel suicidal, call or text 988.",
        "Dana",
        False,
    )
    expect(chat.bubbles("staff")).to_have_count(1)
    expect(chat.banner).to_be_hidden()


def test_the_page_loads_nothing_from_other_servers(page: Page, site: DemoSite) -> None:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.on("websocket", lambda socket: urls.append(socket.url))
    chat = Chat(page, site).visit().open()
    chat.say("hello")
    chat.wait_until_answered()

    rasa = site.assistant.url
    allowed = (site.url + "/", rasa + "/", rasa.replace("http:", "ws:", 1) + "/")
    assert [url for url in urls if not url.startswith(allowed)] == []
    assert f"{site.url}/widget/clinic-chat.js" in urls
