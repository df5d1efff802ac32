"""Clinic facts and crisis resources, read from configuration files.

Used by the response generator (in the Rasa server) and by the custom actions.
Files are read when a caller asks for the settings, never at import time.
Environment overrides: ``CLINIC_CONFIG`` (path of clinic.yml), ``CRISIS_RESOURCES``
(path of crisis_resources.yml) and ``CRISIS_REGION`` (US, CA, GB or AU).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

DEFAULT_CLINIC_CONFIG = Path("config/clinic.yml")
DEFAULT_CRISIS_RESOURCES = Path("config/crisis_resources.yml")
REQUIRED_CLINIC_FIELDS = ("name", "phone", "hours")
HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
WIDGET_POSITIONS = ("right", "left")


class SettingsError(ValueError):
    """Configuration that cannot be used; the message says what to fix."""


ALWAYS_OPEN = "24/7"
# The last line of every region's list: its emergency number, never "the
# emergency room" (which visitors may not be able to reach, or name).
EMERGENCY_LINE = "If you or someone else is in danger right now, call {emergency}"


@dataclass(frozen=True)
class CrisisLine:
    """One crisis service: how to reach it, and only what it promises itself."""

    text: str
    hours: str = ""
    free: bool = False
    confidential: bool = False

    @property
    def always_open(self) -> bool:
        return self.hours == ALWAYS_OPEN

    def promises(self) -> str:
        """What this service says it is: "Free, confidential, open 24/7", or less."""
        words = [
            word
            for word, promised in (
                ("free", self.free),
                ("confidential", self.confidential),
                (f"open {self.hours}", bool(self.hours)),
            )
            if promised
        ]
        text = ", ".join(words)
        return text[:1].upper() + text[1:]

    def as_text(self) -> str:
        promises = self.promises()
        return f"{self.text}. {promises}." if promises else f"{self.text}."


@dataclass(frozen=True)
class CrisisResources:
    region: str
    short: str
    emergency: str
    # Every line shown to visitors: the services, then the emergency number.
    resources: tuple[str, ...]
    sources: tuple[str, ...] = ()
    # The number the crisis line answers on, for tap-to-call links ("988").
    call: str = ""
    # The services, with what each promises; the first is the one `short` names.
    lines: tuple[CrisisLine, ...] = ()
    # The crisis line said in other languages, by ISO 639-1 code ("es"): for a
    # visitor who writes in one (clinic/nlg.py).
    in_other_languages: tuple[tuple[str, str], ...] = ()

    def in_language(self, code: str) -> str:
        """The crisis line in language ``code``, or "" when none is configured."""
        return dict(self.in_other_languages).get(code, "")

    def as_text(self) -> str:
        return "\n".join(f"• {line}" for line in self.resources)


WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)


@dataclass(frozen=True)
class LiveChatSettings:
    """When a staff member can join a visitor's chat, and how long one waits."""

    timezone: str = "UTC"
    # Weekday -> (opening, closing); a weekday that is missing is closed.
    opening_hours: dict[str, tuple[time, time]] = field(default_factory=dict)
    expected_wait_minutes: int = 3
    pickup_timeout_seconds: int = 180

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.timezone))
        hours = self.opening_hours.get(WEEKDAYS[local.weekday()])
        return hours is not None and hours[0] <= local.time() < hours[1]


@dataclass(frozen=True)
class WidgetLook:
    """How the website chat widget looks (``widget:`` in clinic.yml)."""

    color: str = "#1f5f66"
    position: str = "right"


@dataclass(frozen=True)
class ClinicSettings:
    name: str
    phone: str
    hours: str
    crisis: CrisisResources
    email: str = ""
    address: str = ""
    contact_within: str = "one business day"
    booking_url: str = ""
    prices: dict[str, str] = field(default_factory=dict)
    payment_note: str = ""
    # Country whose phone numbers visitors may give without a country code.
    phone_region: str = "US"
    live_chat: LiveChatSettings = field(default_factory=LiveChatSettings)
    widget: WidgetLook = field(default_factory=WidgetLook)

    def cost_details(self) -> str:
        """The clinic's published prices, or where to ask for them."""
        consultation = self.prices.get("consultation", "")
        infusion = self.prices.get("infusion", "")
        parts = []
        if consultation:
            parts.append(f"a consultation is {consultation}")
        if infusion:
            parts.append(f"treatment is {infusion}")
        if parts:
            sentence = f"At {self.name}, {' and '.join(parts)}."
        else:
            sentence = f"For {self.name}'s current prices, please call {self.phone}."
        return f"{sentence} {self.payment_note}".strip()

    def contact_details(self) -> str:
        """Where, when and how to reach the clinic, from the facts configured."""
        ways = [f"call {self.phone}" if self.phone else ""]
        ways.append(f"email {self.email}" if self.email else "")
        sentences = [
            f"{self.name} is at {self.address}." if self.address else "",
            f"We are open {self.hours}." if self.hours else "",
            f"You can {' or '.join(filter(None, ways))}." if any(ways) else "",
        ]
        return " ".join(filter(None, sentences))

    def template_values(self) -> dict[str, str]:
        """Values for the ``{placeholders}`` in responses."""
        return {
            "clinic_name": self.name,
            "clinic_phone": self.phone,
            "clinic_hours": self.hours,
            "clinic_email": self.email,
            "clinic_address": self.address,
            "contact_within": self.contact_within,
            "booking_url": self.booking_url,
            "cost_details": self.cost_details(),
            "contact_details": self.contact_details(),
            "crisis_line": self.crisis.short,
            "crisis_resources": self.crisis.as_text(),
            "emergency_number": self.crisis.emergency,
            "live_chat_wait": _minutes(self.live_chat.expected_wait_minutes),
        }


def _minutes(count: int) -> str:
    return "a minute" if count == 1 else f"about {count} minutes"


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise SettingsError(f"configuration file {path} does not exist") from error
    except yaml.YAMLError as error:
        raise SettingsError(f"{path} is not valid YAML: {error}") from error
    if not isinstance(content, dict):
        raise SettingsError(f"{path} must contain a mapping")
    return content


def load_crisis_resources(path: Path, region: str) -> CrisisResources:
    regions = _read_yaml(path).get("regions") or {}
    entry = regions.get(region.upper())
    if not entry:
        known = ", ".join(sorted(regions))
        raise SettingsError(
            f"no crisis resources for region '{region}' (known: {known})"
        )
    where = f"{path}: regions.{region.upper()}"
    emergency = str(entry.get("emergency") or "")
    if not emergency:
        raise SettingsError(f"{where}.emergency: the emergency number must be set")
    lines = tuple(
        crisis_line(item, f"{where}.resources[{index}]")
        for index, item in enumerate(entry.get("resources") or ())
    )
    if not lines:
        raise SettingsError(f"{where}.resources: list at least one crisis line")
    if not lines[0].always_open:
        raise SettingsError(
            f"{where}.resources[0]: the crisis line replies point to must be open "
            f"{ALWAYS_OPEN} (hours: {ALWAYS_OPEN}); crisis replies tell visitors it is"
        )
    return CrisisResources(
        region=region.upper(),
        short=str(entry["short"]),
        emergency=emergency,
        resources=(
            *(line.as_text() for line in lines),
            f"{EMERGENCY_LINE.format(emergency=emergency)}.",
        ),
        sources=tuple(str(url) for url in entry.get("sources") or ()),
        call=str(entry.get("call") or ""),
        lines=lines,
        in_other_languages=lines_in_other_languages(entry, where),
    )


LANGUAGE_CODE = re.compile(r"[a-z]{2}")


def lines_in_other_languages(
    entry: dict[str, Any], where: str
) -> tuple[tuple[str, str], ...]:
    """A region's ``in_other_languages``: two-letter code → the line in it."""
    lines = entry.get("in_other_languages") or {}
    if not isinstance(lines, dict):
        raise SettingsError(
            f"{where}.in_other_languages: a mapping of language code to text"
        )
    for code, text in lines.items():
        if not LANGUAGE_CODE.fullmatch(str(code)) or not str(text or "").strip():
            raise SettingsError(
                f"{where}.in_other_languages.{code}: a two-letter language code "
                "(es, fr) and its text"
            )
    return tuple((str(code), str(text).strip()) for code, text in lines.items())


def crisis_line(item: Any, where: str) -> CrisisLine:
    """A line of crisis_resources.yml: a mapping, or plain text (promising nothing)."""
    if isinstance(item, str):
        return CrisisLine(text=item.strip().rstrip("."))
    if not isinstance(item, dict) or not str(item.get("text") or "").strip():
        raise SettingsError(f"{where}: each crisis line needs its text")
    unknown = set(item) - {"text", "hours", "free", "confidential"}
    if unknown:
        raise SettingsError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    for flag in ("free", "confidential"):
        if not isinstance(item.get(flag, False), bool):
            raise SettingsError(f"{where}.{flag}: must be true or false")
    return CrisisLine(
        text=str(item["text"]).strip().rstrip("."),
        hours=str(item.get("hours") or ""),
        free=bool(item.get("free", False)),
        confidential=bool(item.get("confidential", False)),
    )


def _clock(text: str, where: str) -> time:
    if text == "24:00":
        return time.max
    try:
        return time.fromisoformat(text)
    except ValueError as error:
        raise SettingsError(f"{where}: '{text}' is not a time like 08:30") from error


def _opening_hours(raw: dict[str, Any], where: str) -> dict[str, tuple[time, time]]:
    hours = {}
    for day, span in (raw or {}).items():
        day = str(day).lower()
        if day not in WEEKDAYS:
            raise SettingsError(f"{where}: '{day}' is not a day of the week")
        if not span:  # closed that day
            continue
        opening, _, closing = str(span).partition("-")
        hours[day] = (
            _clock(opening.strip(), f"{where}.{day}"),
            _clock(closing.strip(), f"{where}.{day}"),
        )
    return hours


def load_live_chat(raw: dict[str, Any], where: str) -> LiveChatSettings:
    zone = str(raw.get("timezone") or "UTC")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise SettingsError(f"{where}.timezone: unknown time zone '{zone}'") from error
    timeout = os.environ.get("HANDOFF_PICKUP_TIMEOUT_SECONDS") or raw.get(
        "pickup_timeout_seconds", 180
    )
    return LiveChatSettings(
        timezone=zone,
        opening_hours=_opening_hours(raw.get("opening_hours") or {}, where),
        expected_wait_minutes=int(raw.get("expected_wait_minutes", 3)),
        pickup_timeout_seconds=int(timeout),
    )


def load_widget_look(section: dict[str, Any] | None, path: Path) -> WidgetLook:
    section = section or {}
    look = WidgetLook(
        color=str(section.get("color") or WidgetLook.color),
        position=str(section.get("position") or WidgetLook.position),
    )
    if not HEX_COLOR.match(look.color):
        raise SettingsError(f"{path}: widget.color must be like #1f5f66")
    if look.position not in WIDGET_POSITIONS:
        raise SettingsError(f"{path}: widget.position must be right or left")
    return look


def load_settings(
    clinic_path: Path | None = None, resources_path: Path | None = None
) -> ClinicSettings:
    clinic_path = clinic_path or Path(
        os.environ.get("CLINIC_CONFIG", DEFAULT_CLINIC_CONFIG)
    )
    resources_path = resources_path or Path(
        os.environ.get("CRISIS_RESOURCES", DEFAULT_CRISIS_RESOURCES)
    )
    content = _read_yaml(clinic_path)
    clinic = content.get("clinic") or {}
    missing = [name for name in REQUIRED_CLINIC_FIELDS if not clinic.get(name)]
    if missing:
        raise SettingsError(
            f"{clinic_path}: clinic.{', clinic.'.join(missing)} must be set"
        )
    region = os.environ.get("CRISIS_REGION") or (content.get("crisis") or {}).get(
        "region", "US"
    )
    return ClinicSettings(
        name=str(clinic["name"]),
        phone=str(clinic["phone"]),
        hours=str(clinic["hours"]),
        email=str(clinic.get("email") or ""),
        address=str(clinic.get("address") or ""),
        contact_within=str(clinic.get("contact_within") or "one business day"),
        booking_url=str(clinic.get("booking_url") or ""),
        prices={k: str(v or "") for k, v in (clinic.get("prices") or {}).items()},
        payment_note=str(clinic.get("payment_note") or ""),
        phone_region=str(clinic.get("phone_region") or region).upper(),
        crisis=load_crisis_resources(resources_path, str(region)),
        live_chat=load_live_chat(
            content.get("live_chat") or {}, f"{clinic_path}: live_chat"
        ),
        widget=load_widget_look(content.get("widget"), clinic_path),
    )


@lru_cache(maxsize=1)
def current_settings() -> ClinicSettings:
    """Settings for this process, read once on first use."""
    return load_settings()
