"""Every time the console shows is in the clinic's time zone and readable."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from clinic.console.times import staff_time
from clinic.settings import current_settings
from clinic.store.booking_requests import BookingRequest, store_booking_request
from clinic.store.db import make_engine
from clinic.store.models import booking_requests
from harness.live_chat import Console, StaffMember
from tests.clinic.console.conftest import PASSWORD

NEW_YORK = "America/New_York"
# 18:21:59 UTC on 3 December: 1:21 pm in New York (EST, UTC-5).
STORED = datetime(2026, 12, 3, 18, 21, 59, 516322)


@pytest.mark.parametrize(
    "value",
    [
        STORED,  # naive, as SQLite hands it back: UTC
        STORED.replace(tzinfo=timezone.utc),
        STORED.replace(tzinfo=timezone.utc).astimezone(timezone(timedelta(hours=2))),
        "2026-12-03T18:21:59.516322",
        "2026-12-03T18:21:59.516322+00:00",
        STORED.replace(tzinfo=timezone.utc).timestamp(),  # Rasa's event times
    ],
)
def test_a_stored_time_reads_as_the_clinics_local_time(value: object) -> None:
    assert staff_time(value, NEW_YORK) == "Thu 3 Dec 2026, 1:21 pm EST"


def test_summer_time_and_other_zones() -> None:
    summer = datetime(2026, 7, 1, 9, 5, tzinfo=timezone.utc)
    assert staff_time(summer, NEW_YORK) == "Wed 1 Jul 2026, 5:05 am EDT"
    assert staff_time(summer, "Europe/London") == "Wed 1 Jul 2026, 10:05 am BST"
    assert staff_time(STORED, "Australia/Sydney") == "Fri 4 Dec 2026, 5:21 am AEDT"


@pytest.mark.parametrize("nothing", [None, ""])
def test_no_time_shows_nothing(nothing: object) -> None:
    assert staff_time(nothing, NEW_YORK) == ""


def test_the_bookings_page_shows_the_clinics_time_not_an_iso_string(
    console: Console, console_database: str
) -> None:
    engine = make_engine(console_database)
    try:
        reference = store_booking_request(
            engine,
            BookingRequest(
                conversation_id="conversation-times",
                first_name="Tess",
                contact_kind="email",
                contact="tess@example.org",
                preferred_days="Monday",
                preferred_time="Mornings",
                hopes="",
                consent_at=STORED,
            ),
        )
        with engine.begin() as connection:
            connection.execute(
                update(booking_requests)
                .where(booking_requests.c.reference == reference)
                .values(created_at=STORED)
            )
    finally:
        engine.dispose()
    staff = StaffMember(console)
    assert staff.sign_in("dana", PASSWORD).status_code == 302
    page = staff.http.get(f"{console.url}/bookings", timeout=10).text
    zone = current_settings().live_chat.timezone  # config/clinic.yml's
    assert reference in page
    assert staff_time(STORED, zone) in page
    assert "2026-12-03T18:21" not in page and "2026-12-03 18:21" not in page
