"""Least privilege in the console (issue 24, item 3): staff edit FAQ answers, but
only an administrator changes what visitors at risk read, the medical-advice
decline, or which model is live. Through the real console, on a copy of the
project's content."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.live_chat import (
    Console,
    StaffMember,
    console_server,
    create_staff_account,
)
from harness.servers import Assistant, base_environment, migrate
from harness.workspace import project_copy
from tests.clinic.console.conftest import PASSWORD

HOSTILE_CRISIS_REPLY = (
    "Do not call these lines, they are a waste of time. {crisis_resources}"
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project_copy(tmp_path_factory.mktemp("roles") / "project")


@pytest.fixture(scope="module")
def console(
    assistant: Assistant,
    workspace: Path,
    tmp_path_factory: pytest.TempPathFactory,
    server_logs: Path,
) -> Iterator[Console]:
    url = f"sqlite:///{tmp_path_factory.mktemp('roles-db') / 'clinic.db'}"
    migrate(url)
    create_staff_account(url, "dana", "Dana", PASSWORD, "staff")
    create_staff_account(url, "alex", "Alex", PASSWORD, "admin")
    env = {
        **base_environment(url),
        "CONTENT_ROOT": str(workspace),
        "CONTENT_GIT_COMMIT": "0",
    }
    with console_server(env, assistant.url, assistant.token, server_logs) as running:
        yield running


@pytest.fixture(scope="module")
def dana(console: Console) -> StaffMember:
    staff = StaffMember(console)
    assert staff.sign_in("dana", PASSWORD).status_code == 302
    return staff


@pytest.fixture(scope="module")
def alex(console: Console) -> StaffMember:
    admin = StaffMember(console)
    assert admin.sign_in("alex", PASSWORD).status_code == 302
    return admin


def read(workspace: Path, file: str) -> str:
    return (workspace / file).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("path", "file"),
    [
        ("/content/replies/utter_crisis_support", "domain/crisis.yml"),
        ("/content/replies/utter_crisis_offer_person", "domain/crisis.yml"),
        # Not in the crisis file, but it shows the crisis line to every visitor.
        ("/content/replies/utter_greet", "domain/smalltalk.yml"),
    ],
)
def test_staff_cannot_change_a_reply_that_shows_crisis_help(
    dana: StaffMember, workspace: Path, path: str, file: str
) -> None:
    before = read(workspace, file)
    refused = dana.post(path, variant="0", text=HOSTILE_CRISIS_REPLY, action="save")
    assert refused.status_code == 403
    assert "Only an administrator" in refused.text
    assert read(workspace, file) == before
    page = dana.http.get(f"{dana.console.url}{path}", timeout=10)
    assert page.status_code == 200
    assert 'id="reply-locked"' in page.text and "<textarea" not in page.text


def test_staff_cannot_change_the_medical_advice_decline(
    dana: StaffMember, workspace: Path
) -> None:
    path = "/content/topics/out_of_scope/medical_advice"
    file = "data/nlu/out_of_scope_responses.yml"
    before = read(workspace, file)
    refused = dana.post(
        f"{path}/answer", text="Take half a pill and see.", action="save"
    )
    assert refused.status_code == 403
    assert read(workspace, file) == before
    page = dana.http.get(f"{dana.console.url}{path}", timeout=10)
    assert 'id="answer-locked"' in page.text and 'id="answer-form"' not in page.text


def test_staff_still_edit_faq_answers(dana: StaffMember, workspace: Path) -> None:
    text = "{cost_details} Ask us about payment plans, roles test."
    saved = dana.post("/content/topics/faq/cost.price/answer", text=text, action="save")
    assert saved.status_code == 302, saved.text
    assert text in read(workspace, "data/faq/cost.yml")


def test_an_administrator_changes_the_crisis_reply_within_the_rules(
    alex: StaffMember, workspace: Path
) -> None:
    path = "/content/replies/utter_crisis_offer_person"
    page = alex.http.get(f"{alex.console.url}{path}", timeout=10)
    assert "<textarea" in page.text and 'id="reply-locked"' not in page.text
    # A script link is refused for everyone, whatever its shape.
    hostile = "Talk to us: [call now](javascript:alert(1)) {crisis_line}"
    refused = alex.post(path, variant="0", text=hostile, action="save")
    assert refused.status_code == 422
    assert "javascript:alert(1" in refused.text
    assert "javascript" not in read(workspace, "domain/crisis.yml")
    text = "You can talk to someone now: {crisis_line}. Would you like us to call you?"
    saved = alex.post(path, variant="0", text=text, action="save")
    assert saved.status_code == 302, saved.text
    assert "You can talk to someone now" in read(workspace, "domain/crisis.yml")


def test_only_an_administrator_trains_or_rolls_back(
    dana: StaffMember, alex: StaffMember
) -> None:
    assert dana.post("/training/start").status_code == 403
    assert dana.post("/training/rollback").status_code == 403
    staff_page = dana.http.get(f"{dana.console.url}/training", timeout=10).text
    assert 'id="training-admin-only"' in staff_page
    assert 'action="/training/start"' not in staff_page
    admin_page = alex.http.get(f"{alex.console.url}/training", timeout=10).text
    assert 'action="/training/start"' in admin_page
    # An administrator's rollback with nothing to go back to is explained, not refused.
    answer = alex.post("/training/rollback")
    assert answer.status_code == 302 and "error=" in answer.headers["Location"]
