"""Idle console sessions end (issue 24): through a real console whose idle time
is 15 seconds. Staff who do nothing are signed out, an open live view does not
count as activity, and an open console marked available stays signed in (a
hand-off must not find its staff member signed out)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from harness.live_chat import (
    Console,
    StaffMember,
    console_server,
    create_staff_account,
)
from harness.servers import Assistant, base_environment
from tests.clinic.console.conftest import PASSWORD

# Longer than the 10 s at which an open queue page marks its staff on duty
# (clinic/console/live.py, PRESENCE_EVERY).
IDLE_SECONDS = 15
# The streams re-check their session every 3 s (clinic/console/live.py).
RECHECK_SECONDS = 3


@pytest.fixture(scope="module")
def idle_console(
    assistant: Assistant, console_database: str, server_logs: Path
) -> Iterator[Console]:
    env = {
        **base_environment(console_database),
        "CONSOLE_IDLE_MINUTES": str(IDLE_SECONDS / 60),
    }
    with console_server(env, assistant.url, assistant.token, server_logs) as running:
        yield running


class OpenQueue:
    """A staff member's queue page left open: its live stream, read in a thread."""

    def __init__(self, staff: StaffMember) -> None:
        self.lines: list[str] = []
        self.response = staff.http.get(
            f"{staff.console.url}/live/queue", stream=True, timeout=60
        )
        self.response.raise_for_status()
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self) -> None:
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line:
                    self.lines.append(line)
        except (requests.RequestException, AttributeError):
            pass  # the test closed it (urllib3 then reads from None)

    @property
    def ended(self) -> bool:
        return not self.reader.is_alive()


def signed_in(staff: StaffMember, username: str) -> StaffMember:
    assert staff.sign_in(username, PASSWORD).status_code == 302
    return staff


def still_signed_in(staff: StaffMember) -> bool:
    response = staff.http.get(
        f"{staff.console.url}/tickets", allow_redirects=False, timeout=10
    )
    return response.status_code == 200


def test_idle_staff_are_signed_out_but_staff_on_duty_are_not(
    idle_console: Console,
) -> None:
    for username in ("idlesam", "idlerobin", "idledana"):
        create_staff_account(idle_console.database_url, username, "Idle", PASSWORD)
    sam = signed_in(StaffMember(idle_console), "idlesam")
    robin = signed_in(StaffMember(idle_console), "idlerobin")
    dana = signed_in(StaffMember(idle_console), "idledana")
    # Were Dana's session to lapse like the others, her stream would end by then.
    danas_lapse = time.monotonic() + IDLE_SECONDS + RECHECK_SECONDS + 1
    dana.set_available()
    robins_queue, danas_queue = OpenQueue(robin), OpenQueue(dana)
    assert still_signed_in(sam)  # a request: Sam's last activity
    sams_lapse = time.monotonic() + IDLE_SECONDS + 0.5

    deadline = time.monotonic() + IDLE_SECONDS + 3 * RECHECK_SECONDS
    while time.monotonic() < deadline and not (
        robins_queue.ended and time.monotonic() > sams_lapse
    ):
        time.sleep(0.1)

    assert not still_signed_in(sam), "did nothing for longer than the idle time"
    assert robins_queue.ended and robins_queue.lines[-2:] == [
        "event: signed_out",
        "data: {}",
    ], "an open page alone is not activity"
    assert not still_signed_in(robin)
    while time.monotonic() < danas_lapse and not danas_queue.ended:
        time.sleep(0.1)
    assert not danas_queue.ended, "available with the console open: on duty"
    assert still_signed_in(dana)
    danas_queue.response.close()


def test_activity_keeps_a_session(idle_console: Console) -> None:
    create_staff_account(idle_console.database_url, "busykim", "Kim", PASSWORD)
    kim = signed_in(StaffMember(idle_console), "busykim")
    started = time.monotonic()
    while time.monotonic() - started < IDLE_SECONDS + 5:
        assert still_signed_in(kim)
        time.sleep(IDLE_SECONDS / 3)
    assert still_signed_in(kim)
