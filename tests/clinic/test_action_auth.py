"""The action server answers Rasa only (issue 24, item 4): through the real
action server, a forged call without Rasa's secret creates nothing, and the
server listens on loopback."""

from __future__ import annotations

import subprocess
from pathlib import Path

import requests
from sqlalchemy import create_engine, func, select

from clinic.action_auth import is_authorised
from clinic.store.models import handoff_tickets
from harness.servers import (
    PROJECT_ROOT,
    Assistant,
    action_server_command,
    base_environment,
    free_port,
)

FORGED_CALL_BACK = {
    "next_action": "action_submit_callback",
    "sender_id": "forged",
    "tracker": {
        "sender_id": "forged",
        "slots": {
            "callback_first_name": "Invented",
            "callback_contact": "+12025550199",
            "callback_message": "call me",
            "callback_consent": True,
        },
        "latest_message": {"text": "", "intent": {}, "entities": []},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": None,
    },
    "domain": {},
    "version": "3.6.21",
}


def tickets(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(handoff_tickets))
    finally:
        engine.dispose()


def test_a_call_without_rasas_secret_is_refused_and_creates_nothing(
    assistant: Assistant,
) -> None:
    before = tickets(assistant.database_url)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": ""}):
        response = requests.post(
            assistant.action_url, json=FORGED_CALL_BACK, headers=headers, timeout=10
        )
        assert response.status_code == 401, response.text
    listing = requests.get(assistant.action_url.replace("/webhook", "/actions"))
    assert listing.status_code == 401
    assert tickets(assistant.database_url) == before
    health = requests.get(assistant.action_url.replace("/webhook", "/health"))
    assert health.status_code == 200


def test_rasa_reaches_the_action_server_with_its_secret(assistant: Assistant) -> None:
    """A form's validation runs in the action server: it answers through Rasa."""
    assistant.send("auth-booking", "I'd like to book a consultation")
    assistant.send("auth-booking", "my name is sam")
    slots = assistant.tracker("auth-booking")["slots"]
    # Only validate_booking_form, in the action server, makes "sam" "Sam".
    assert slots["booking_first_name"] == "Sam"


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on ``port`` (from /proc/net/tcp)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:  # LISTEN
                found.add(address)
    return found


def test_the_action_server_listens_on_loopback_only(assistant: Assistant) -> None:
    port = int(assistant.action_url.split(":")[2].split("/")[0])
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1


def test_the_action_server_will_not_start_without_its_secret(tmp_path: Path) -> None:
    env = base_environment(f"sqlite:///{tmp_path / 'clinic.db'}")
    env["ACTION_SERVER_TOKEN"] = ""
    result = subprocess.run(
        action_server_command(free_port()),
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ACTION_SERVER_TOKEN is not set" in result.stderr


def test_the_secret_is_compared_whole() -> None:
    assert is_authorised("Bearer s3cret", "s3cret")
    wrong = (None, "", "s3cret", "Bearer s3cre", "Bearer s3cret2", "bearer s3cret")
    for header in wrong:
        assert not is_authorised(header, "s3cret"), header
