"""Who may use the console: every route refuses strangers, every form needs its
CSRF token, disabled accounts are out, and the Rasa API stays server-side."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import requests

from clinic.console.app import create_app
from clinic.console.config import ConsoleConfig
from clinic.console.security import is_public
from harness.live_chat import (
    Console,
    StaffMember,
    console_server,
    create_staff_account,
)
from harness.servers import PROJECT_ROOT, VENV_BIN, Assistant, base_environment
from tests.clinic.console.conftest import PASSWORD

EXAMPLE_VALUES = {
    "reference": "CB-ABCDEF",
    "flag_id": "1",
    "conversation_id": "someone",
    "name": "faq/cost",
    "table": "topics",
}


def console_routes() -> list[tuple[str, str]]:
    """Every (method, path) the console serves, with example path values."""
    config = ConsoleConfig(
        host="127.0.0.1",
        port=0,
        rasa_url="http://127.0.0.1:1",
        rasa_token="unused",
        database_url="sqlite://",
        domain_path=PROJECT_ROOT / "domain",
        secure_cookies=False,
    )
    routes = []
    for route in create_app(config).router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        if path is None:  # the static files
            path = f"{info['prefix']}/console.js"
        path = re.sub(r"\{(\w+)(:[^}]*)?\}", lambda m: EXAMPLE_VALUES[m[1]], path)
        if route.method != "HEAD":
            routes.append((route.method, path))
    return routes


ROUTES = console_routes()
# The sign-in page, the health check and the static files are open to all.
PROTECTED = [(method, path) for method, path in ROUTES if not is_public(path)]


def test_the_route_list_is_complete() -> None:
    paths = {path for _, path in ROUTES}
    assert {"/", "/live/queue", "/tickets/CB-ABCDEF/reply", "/admin"} <= paths
    assert len(ROUTES) >= 20
    assert {path for _, path in ROUTES if is_public(path)} == {
        "/login",
        "/healthz",
        "/static/console.js",
    }


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_every_route_refuses_anyone_not_signed_in(
    console: Console, method: str, path: str
) -> None:
    for accept in ("text/html", "application/json"):
        response = requests.request(
            method,
            f"{console.url}{path}",
            headers={"Accept": accept},
            allow_redirects=False,
            timeout=10,
        )
        refused = response.status_code in (401, 403) or (
            response.status_code == 302 and response.headers["Location"] == "/login"
        )
        assert refused, (method, path, accept, response.status_code)


def test_a_form_without_its_csrf_token_is_refused(console: Console) -> None:
    dana = StaffMember(console)
    assert dana.sign_in("dana", PASSWORD).status_code == 302
    for data in ({}, {"csrf_token": "not-the-token"}, {"csrf_token": "é"}):
        response = dana.http.post(
            f"{console.url}/presence",
            data={**data, "available": "yes"},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 403
    assert dana.post("/presence", available="yes").status_code == 302, "with it"


def test_signing_in_needs_the_sign_in_forms_token(console: Console) -> None:
    response = requests.post(
        f"{console.url}/login",
        data={"username": "dana", "password": PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 403


def test_a_wrong_password_is_refused(console: Console) -> None:
    assert StaffMember(console).sign_in("dana", "wrong password!").status_code == 401


def test_a_disabled_account_cannot_sign_in_and_is_signed_out(
    console: Console,
) -> None:
    gone = StaffMember(console)
    assert gone.sign_in("gone", PASSWORD).status_code == 302
    accounts(console, "disable", "gone")
    assert gone.http.get(f"{console.url}/tickets", timeout=10).status_code == 401
    assert StaffMember(console).sign_in("gone", PASSWORD).status_code == 401


def test_staff_cannot_open_the_admin_page_but_admins_can(console: Console) -> None:
    dana, alex = StaffMember(console), StaffMember(console)
    dana.sign_in("dana", PASSWORD)
    alex.sign_in("alex", PASSWORD)
    assert dana.http.get(f"{console.url}/admin", timeout=10).status_code == 403
    page = alex.http.get(f"{console.url}/admin", timeout=10)
    assert page.status_code == 200 and "sign_in" in page.text, "the audit trail"


def test_the_session_cookie_is_http_only_and_same_site(console: Console) -> None:
    dana = StaffMember(console)
    response = dana.sign_in("dana", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("console_session=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_pages_carry_security_headers(console: Console) -> None:
    response = requests.get(f"{console.url}/login", timeout=10)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_under_https_browsers_are_told_to_stay_on_it(
    assistant: Assistant, console: Console, console_database: str, server_logs: Path
) -> None:
    env = {
        **base_environment(console_database),
        "CONSOLE_PUBLIC_URL": "https://console.clinic.example",
    }
    with console_server(env, assistant.url, assistant.token, server_logs) as https:
        response = requests.get(f"{https.url}/login", timeout=10)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    plain = requests.get(f"{console.url}/login", timeout=10)
    assert "Strict-Transport-Security" not in plain.headers


def test_signing_out_ends_the_session(console: Console) -> None:
    dana = StaffMember(console)
    dana.sign_in("dana", PASSWORD)
    assert dana.post("/logout").status_code == 302
    assert dana.http.get(f"{console.url}/tickets", timeout=10).status_code == 401


@pytest.mark.parametrize("ending", ["sign_out", "disable", "new_password"])
def test_an_open_live_view_closes_when_its_session_ends(
    console: Console, ending: str
) -> None:
    """Signing out elsewhere, an admin disabling the account, or a new password
    (every session of the account ends) stops the stream of crisis messages at
    once (within a few seconds)."""
    username = f"live{ending.replace('_', '')}"
    create_staff_account(console.database_url, username, "Live", PASSWORD)
    staff = StaffMember(console)
    assert staff.sign_in(username, PASSWORD).status_code == 302
    with staff.http.get(f"{console.url}/live/queue", stream=True, timeout=30) as live:
        lines = live.iter_lines(decode_unicode=True)
        assert any(line.startswith("data: ") for line in lines if line)
        if ending == "sign_out":
            assert staff.post("/logout").status_code == 302
        elif ending == "disable":
            accounts(console, "disable", username)
        else:
            accounts(console, "password", username, "--password-stdin", stdin=NEW)
        rest = [line for line in lines if line]  # ends when the server closes it
    assert rest[-2:] == ["event: signed_out", "data: {}"]


NEW = "a different long staff password"


def accounts(console: Console, *arguments: str, stdin: str = "") -> None:
    """The administrators' command line (clinic.console.accounts)."""
    subprocess.run(
        [
            str(VENV_BIN / "python"),
            "-m",
            "clinic.console.accounts",
            "--database-url",
            console.database_url,
            *arguments,
        ],
        input=stdin + "\n",
        text=True,
        check=True,
        capture_output=True,
        cwd=PROJECT_ROOT,
    )


def test_the_rasa_token_never_reaches_the_browser(
    console: Console, assistant: Assistant
) -> None:
    """The console reads conversations server-side; the browser never gets the
    token, and without it the Rasa API refuses to show a conversation."""
    alex = StaffMember(console)
    alex.sign_in("alex", PASSWORD)
    pages = ["/", "/tickets", "/bookings", "/crisis", "/admin", "/conversations/x"]
    for page in pages:
        assert assistant.token not in alex.http.get(f"{console.url}{page}").text
    for static in Path(PROJECT_ROOT / "clinic/console/static").iterdir():
        assert assistant.token not in static.read_text()
    direct = requests.get(
        f"{assistant.url}/conversations/x/tracker",
        headers={"Origin": console.url},
        timeout=10,
    )
    assert direct.status_code == 401
    allowed = direct.headers.get("Access-Control-Allow-Origin")
    assert allowed not in (console.url, "*"), "nor may its scripts read Rasa"
