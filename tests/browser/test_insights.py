"""The Insights page in a real browser (Debian's Chromium), after a scripted set
of conversations through the real servers: an answer rated 👎, a message not
understood, a booking completed and one abandoned, a handoff taken live, a
crisis. The page must show exactly the counts those conversations imply."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from harness.conversation import BOOKING_TURNS
from harness.live_chat import (
    PASSWORD,
    SITE,
    Console,
    SocketVisitor,
    StaffMember,
    clinic_config_always_open,
    console_server,
    create_staff_account,
)
from harness.servers import (
    PROJECT_ROOT,
    Assistant,
    assistant_on_its_own_database,
    base_environment,
)

RESULTS = PROJECT_ROOT / "results"
CRISIS_WORDS = "I want to end my life tonight"
GIBBERISH = "flibber wug zorp quandle"


@dataclass
class Script:
    """What the scripted visitors did, and so what the page must show."""

    conversations: list[str] = field(default_factory=list)
    messages: int = 0
    rated_answer: str = ""


def handled(assistant: Assistant, visitor: SocketVisitor, said_before: int) -> None:
    """Waits until the server has stored the visitor's next message and finished
    its turn (an action_listen after it), answered or not."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        events = assistant.tracker(visitor.session_id)["events"]
        users = [i for i, e in enumerate(events) if e["event"] == "user"]
        if len(users) > said_before and any(
            e["event"] == "action" and e["name"] == "action_listen"
            for e in events[users[said_before] + 1 :]
        ):
            return
        time.sleep(0.1)
    raise AssertionError(f"message {said_before + 1} of {visitor.session_id} unhandled")


def converse(assistant: Assistant, script: Script, turns: list[str]) -> SocketVisitor:
    visitor = SocketVisitor(assistant.url, origin=SITE)
    script.conversations.append(visitor.session_id)
    for said, text in enumerate(turns):
        visitor.say(text)
        handled(assistant, visitor, said)
        script.messages += 1
    return visitor


def rate_down(visitor: SocketVisitor, assistant: Assistant) -> str:
    events = assistant.tracker(visitor.session_id)["events"]
    answer = next(e["text"] for e in events if e["event"] == "bot" and e.get("text"))
    saved: list[dict] = []
    visitor.client.on("feedback_saved", saved.append)
    visitor.client.emit(
        "answer_feedback",
        {"session_id": visitor.session_id, "rating": "down", "text": answer},
    )
    deadline = time.monotonic() + 20
    while not saved:
        assert time.monotonic() < deadline, "the rating was not acknowledged"
        time.sleep(0.05)
    return answer


def booking_offered(assistant: Assistant, conversation_id: str) -> bool:
    """A booking button shown, or the booking form started, in the conversation."""
    for event in assistant.tracker(conversation_id)["events"]:
        if event["event"] == "active_loop" and event.get("name") == "booking_form":
            return True
        buttons = (event.get("data") or {}).get("buttons") or []
        if event["event"] == "bot" and any(
            str(b.get("payload", "")).startswith("/book_appointment") for b in buttons
        ):
            return True
    return False


@pytest.fixture(scope="module")
def clinic(
    model_path: Path, server_logs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Assistant, Console, Script]]:
    directory = tmp_path_factory.mktemp("insights")
    config = str(clinic_config_always_open(directory))
    with assistant_on_its_own_database(
        model_path, server_logs, directory, CLINIC_CONFIG=config, WIDGET_ORIGINS=SITE
    ) as assistant:
        create_staff_account(assistant.database_url, "ines", "Ines", PASSWORD)
        env = {
            **base_environment(assistant.database_url),
            "CLINIC_CONFIG": config,
            "INSIGHTS_SETTLE_SECONDS": "0",
        }
        with console_server(
            env, assistant.url, assistant.token, server_logs
        ) as console:
            yield assistant, console, run_script(assistant, console)


def run_script(assistant: Assistant, console: Console) -> Script:
    script = Script()
    visitors = [converse(assistant, script, ["how much does a treatment cost?"])]
    script.rated_answer = rate_down(visitors[0], assistant)
    visitors.append(converse(assistant, script, [GIBBERISH]))
    visitors.append(converse(assistant, script, BOOKING_TURNS))
    visitors.append(
        converse(
            assistant, script, ["i'd like to book a consultation", "Jo", "stop", "yes"]
        )
    )
    ines = StaffMember(console)
    assert ines.sign_in("ines", PASSWORD).status_code == 302
    ines.post("/presence", available="yes")
    visitors.append(converse(assistant, script, ["can I talk to a real person please"]))
    queue = ines.wait_in_stream(
        "/live/queue", lambda s: any(t["kind"] == "live" for t in s["tickets"])
    )
    [ticket] = [t for t in queue["tickets"] if t["kind"] == "live"]
    assert ines.post(f"/tickets/{ticket['reference']}/take").json() == {"ok": True}
    visitors.append(converse(assistant, script, [CRISIS_WORDS]))
    for visitor in visitors:
        visitor.close()
    return script


def sign_in(page: Page, console: Console) -> None:
    page.goto(f"{console.url}/login")
    page.get_by_label("Username").fill("ines")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Open tickets")).to_be_visible()


def figure(page: Page, name: str) -> str:
    return page.locator(f"[data-figure='{name}']").inner_text().strip()


@pytest.fixture
def insights(chromium: Browser, clinic: tuple) -> Iterator[Page]:
    _, console, _ = clinic
    context = chromium.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    sign_in(page, console)
    page.get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", name="Insights", exact=True)).to_be_visible()
    yield page
    context.close()


def test_the_page_shows_the_counts_the_conversations_imply(
    insights: Page, clinic: tuple
) -> None:
    assistant, _, script = clinic
    page = insights
    offered = sum(booking_offered(assistant, c) for c in script.conversations)
    assert figure(page, "conversations") == "6"
    assert figure(page, "messages") == str(script.messages)
    assert figure(page, "fallbacks") == "1"
    assert figure(page, "funnel-offered") == str(offered)
    assert figure(page, "funnel-started") == "2"
    assert figure(page, "funnel-completed") == "1"
    assert figure(page, "funnel-contacted") == "0"
    # The abandoned request stopped after the name: at the contact question.
    expect(page.locator("#drop-off tbody th")).to_have_text(["phone or email"])
    expect(page.locator("#drop-off tbody td")).to_have_text(["1"])
    assert figure(page, "handoff-requested") == "1"
    assert figure(page, "handoff-live") == "1"
    assert figure(page, "handoff-picked-up") == "1"
    assert figure(page, "callbacks") == "0"
    assert figure(page, "crisis-flags") == "1"
    assert figure(page, "crisis-not-reviewed") == "1"
    rated = page.locator("#ratings tr[data-topic='faq/cost'] td")
    expect(rated.nth(1)).to_have_text("1")  # 👎
    # Topics by the names staff read, the label kept for reference.
    cost = page.locator("#topics tr[data-topic='faq/cost'] th")
    expect(cost).to_have_text("Cost and insurance")
    expect(cost).to_have_attribute("title", "faq/cost")
    expect(page.locator("#unrecognised tbody")).to_contain_text(GIBBERISH)
    # The crisis words are on the crisis flags page, never here.
    assert CRISIS_WORDS.lower() not in page.content().lower()
    # The README's picture of the page comes from here (results/ is not committed).
    page.screenshot(path=str(RESULTS / "insights.png"), full_page=True)
    page.get_by_role("link", name="crisis flags page").click()
    page.get_by_role("button", name="Mark reviewed").click()
    page.get_by_role("link", name="Insights").click()
    assert figure(page, "crisis-not-reviewed") == "0"


def test_each_table_downloads_as_csv(insights: Page, clinic: tuple) -> None:
    _, console, _ = clinic
    cookies = {c["name"]: c["value"] for c in insights.context.cookies()}
    response = requests.get(
        f"{console.url}/insights/funnel.csv?days=7", cookies=cookies, timeout=30
    )
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.text.splitlines()[0] == "step,conversations"
    assert "completed,1" in response.text.splitlines()
    topics = requests.get(
        f"{console.url}/insights/topics.csv?days=7", cookies=cookies, timeout=30
    ).text.splitlines()
    assert topics[0] == "topic,name,messages,previous period,change"
    assert any(row.startswith("faq/cost,Cost and insurance,") for row in topics)


def test_the_chart_has_a_bar_per_day_and_figure(insights: Page) -> None:
    insights.get_by_role("link", name="Last 30 days").click()
    expect(insights.locator("#days tbody tr")).to_have_count(30)
    assert insights.locator("svg.chart").first.locator("rect").count() == 60
