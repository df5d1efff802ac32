"""The console's content and review pages in a real browser (Debian's Chromium),
against the real Rasa server and console, on a copy of the project's content."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from harness.live_chat import (
    PASSWORD,
    Console,
    console_server,
    create_staff_account,
)
from harness.servers import Assistant, base_environment
from harness.workspace import project_copy

VISITOR_MESSAGE = (
    "this is Jordan, where can I park when I come in? text me on 617-555-0143"
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project_copy(tmp_path_factory.mktemp("content") / "project")


@pytest.fixture(scope="module")
def console(
    assistant: Assistant, workspace: Path, server_logs: Path
) -> Iterator[Console]:
    create_staff_account(assistant.database_url, "casey", "Casey", PASSWORD)
    create_staff_account(assistant.database_url, "morgan", "Morgan", PASSWORD, "admin")
    env = {**base_environment(assistant.database_url), "CONTENT_ROOT": str(workspace)}
    with console_server(env, assistant.url, assistant.token, server_logs) as running:
        yield running


def signed_in(chromium: Browser, console: Console, username: str) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{console.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Open tickets")).to_be_visible()
    yield page
    context.close()


@pytest.fixture
def staff_page(chromium: Browser, console: Console) -> Iterator[Page]:
    yield from signed_in(chromium, console, "casey")


@pytest.fixture
def admin_page(chromium: Browser, console: Console) -> Iterator[Page]:
    yield from signed_in(chromium, console, "morgan")


def test_staff_edit_an_answer_with_a_preview_and_add_an_example(
    staff_page: Page, workspace: Path
) -> None:
    page = staff_page
    page.get_by_role("link", name="Content").click()
    page.get_by_role("link", name="faq/cost.price", exact=True).click()
    expect(page.get_by_role("heading", name="faq/cost.price")).to_be_visible()

    answer = page.get_by_label("Answer text")
    answer.fill("{cost_details} Ask us about payment plans.")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#answer-preview")
    expect(preview).to_contain_text("Ask us about payment plans.")
    expect(preview).not_to_contain_text("{cost_details}")
    page.get_by_role("button", name="Save answer").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    cost_file = (workspace / "data/faq/cost.yml").read_text(encoding="utf-8")
    assert "{cost_details} Ask us about payment plans." in cost_file

    page.get_by_label("New example").fill("what does one ketamine visit set me back")
    page.get_by_role("button", name="Add example").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    added = "what does one ketamine visit set me back"
    example_fields = page.locator(".examples input:not([type=hidden])")
    expect(example_fields.and_(page.locator(f"[value='{added}']"))).to_have_count(1)

    # An example that belongs to another topic is refused, with the reason.
    page.get_by_label("New example").fill("how many treatments do i need")
    page.get_by_role("button", name="Add example").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Not saved")
    expect(alert).to_contain_text("faq/schedule")
    assert "how many treatments do i need" not in (
        workspace / "data/faq/cost.yml"
    ).read_text(encoding="utf-8")


def test_staff_turn_a_reviewed_message_into_a_scrubbed_example(
    staff_page: Page, assistant: Assistant, workspace: Path
) -> None:
    visitor = f"review-{uuid.uuid4().hex[:8]}"
    assistant.send(visitor, VISITOR_MESSAGE)
    assistant.send(visitor, "can I talk to a person")

    page = staff_page
    page.get_by_role("link", name="Review").click()
    item = page.locator(".review-item", has_text="where can I park")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("followed by a request for a person")
    example = item.get_by_label("Example text")
    expect(example).to_have_value(
        "this is (name), where can I park when I come in? text me on (phone)"
    )
    item.get_by_label("Right topic").select_option("faq/preparation.what_to_bring")
    item.get_by_role("button", name="Add as example").click()

    expect(page.get_by_role("status")).to_contain_text("Added to faq/preparation")
    expect(page.locator(".review-item", has_text="where can I park")).to_have_count(0)
    preparation = (workspace / "data/faq/preparation.yml").read_text(encoding="utf-8")
    assert (
        "- this is (name), where can I park when I come in? text me on (phone)\n"
        in preparation
    )
    assert "Jordan" not in preparation and "0143" not in preparation


def test_the_training_page_shows_the_serving_model(
    staff_page: Page, admin_page: Page, model_path: Path
) -> None:
    page = staff_page
    page.get_by_role("link", name="Training").click()
    expect(page.locator("#serving-model")).to_have_text(model_path.name)
    expect(page.locator("#training-admin-only")).to_be_visible()
    expect(page.get_by_role("button", name="Train a new model")).to_have_count(0)
    admin_page.get_by_role("link", name="Training").click()
    expect(admin_page.get_by_role("button", name="Train a new model")).to_be_enabled()


def test_staff_read_the_crisis_reply_but_cannot_edit_it(staff_page: Page) -> None:
    page = staff_page
    page.get_by_role("link", name="Content", exact=True).click()
    page.get_by_role("link", name="Other replies").click()
    page.get_by_role("link", name="utter_crisis_support", exact=True).click()
    expect(page.locator("#reply-locked")).to_contain_text("Only an administrator")
    expect(page.locator(".answer-text").first).to_contain_text("{crisis_resources}")
    expect(page.get_by_role("button", name="Save")).to_have_count(0)


def test_a_crisis_reply_cannot_lose_its_crisis_help(
    admin_page: Page, workspace: Path
) -> None:
    page = admin_page
    page.get_by_role("link", name="Content", exact=True).click()
    page.get_by_role("link", name="Other replies").click()
    page.get_by_role("link", name="utter_crisis_support", exact=True).click()
    crisis_file = workspace / "domain/crisis.yml"
    before = crisis_file.read_text(encoding="utf-8")

    page.get_by_label("Text").first.fill("Please take care of yourself.")
    page.get_by_role("button", name="Save").first.click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("must keep the crisis help")
    expect(alert).to_contain_text("{crisis_resources}")
    assert crisis_file.read_text(encoding="utf-8") == before


def test_a_reviewed_message_can_start_a_new_topic(
    staff_page: Page, assistant: Assistant, workspace: Path
) -> None:
    visitor = f"review-{uuid.uuid4().hex[:8]}"
    assistant.send(visitor, "do you validate parking tickets")
    assistant.send(visitor, "I'd like to talk to a person")

    page = staff_page
    page.get_by_role("link", name="Review").click()
    item = page.locator(".review-item", has_text="validate parking tickets")
    item.get_by_label("Right topic").select_option(label="A new topic…")
    item.get_by_role("button", name="Add as example").click()

    expect(page.get_by_role("heading", name="Add a new question topic")).to_be_visible()
    examples = page.get_by_label("Example questions, one per line")
    expect(examples).to_have_value("do you validate parking tickets")
    more = [f"is parking free at the clinic on day {n}" for n in range(1, 20)]
    examples.fill("\n".join(["do you validate parking tickets", *more]))
    page.get_by_label("Short name").fill("parking")
    page.get_by_label("What it covers").fill("where to park, parking costs")
    answer = page.get_by_label("Approved answer")
    answer.fill("Parking is free in our car park. If it is full, call us on {phone}.")
    page.get_by_role("button", name="Add topic").click()
    expect(page.get_by_role("alert")).to_contain_text("did you mean {clinic_phone}?")
    answer.fill("Parking is free in our car park. If it is full, call {clinic_phone}.")
    page.get_by_role("button", name="Add topic").click()

    expect(page.get_by_role("heading", name="faq/parking")).to_be_visible()
    topic_file = (workspace / "data/faq/parking.yml").read_text(encoding="utf-8")
    assert "intent: faq/parking" in topic_file
    assert "utter_faq/parking" in topic_file
    page.get_by_role("link", name="Review").click()
    expect(page.locator(".review-item", has_text="validate parking")).to_have_count(0)
