"""Times as staff read them: in the clinic's time zone, in words and figures.

The database keeps UTC (some drivers hand back naive values, which are UTC);
the console shows "Thu 3 Dec 2026, 1:21 pm EST" in the zone of ``config/clinic.yml``
(``live_chat.timezone``), never an ISO string.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from clinic.settings import current_settings


def staff_time(value: datetime | str | float | None, zone: str | None = None) -> str:
    """``value`` (a datetime, an ISO string or Unix seconds) as staff read it;
    empty for no value."""
    moment = _as_datetime(value)
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(zone or clinic_zone()))
    hour = local.strftime("%I").lstrip("0")
    half = "am" if local.hour < 12 else "pm"
    return (
        f"{local.strftime('%a')} {local.day} {local.strftime('%b %Y')}, "
        f"{hour}:{local.strftime('%M')} {half} {local.tzname()}"
    )


def clinic_zone() -> str:
    return current_settings().live_chat.timezone


def _as_datetime(value: datetime | str | float | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc)
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment
