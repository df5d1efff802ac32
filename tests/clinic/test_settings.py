from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from clinic.settings import (
    SettingsError,
    WidgetLook,
    load_crisis_resources,
    load_settings,
)

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "config" / "crisis_resources.yml"


def write_clinic(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "clinic.yml"
    path.write_text(body, encoding="utf-8")
    return path


def test_the_shipped_configuration_loads() -> None:
    settings = load_settings(ROOT / "config" / "clinic.yml", RESOURCES)
    values = settings.template_values()
    assert values["clinic_phone"] and values["clinic_name"]
    assert "988" in values["crisis_line"]
    assert (
        "741741" in values["crisis_resources"] and "911" in values["crisis_resources"]
    )


@pytest.mark.parametrize(
    ("region", "must_mention"),
    [("US", "988"), ("CA", "988"), ("GB", "116 123"), ("AU", "13 11 14")],
)
def test_each_region_has_its_own_crisis_lines(
    region: str, must_mention: str, tmp_path: Path
) -> None:
    clinic = write_clinic(
        tmp_path,
        f"clinic: {{name: A, phone: '1', hours: h}}\ncrisis: {{region: {region}}}\n",
    )
    crisis = load_settings(clinic, RESOURCES).crisis
    assert must_mention in crisis.short
    assert len(crisis.resources) >= 2 and crisis.sources


def test_crisis_region_can_come_from_the_environment(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("CRISIS_REGION", "GB")
    clinic = write_clinic(tmp_path, "clinic: {name: A, phone: '1', hours: h}\n")
    assert load_settings(clinic, RESOURCES).crisis.emergency == "999"


def test_published_prices_are_quoted(tmp_path: Path) -> None:
    clinic = write_clinic(
        tmp_path,
        "clinic: {name: Calm, phone: '1', hours: h,"
        " prices: {consultation: '$100', infusion: ''}}\n",
    )
    assert (
        load_settings(clinic, RESOURCES).cost_details()
        == "At Calm, a consultation is $100."
    )


def test_without_prices_visitors_are_told_to_call(tmp_path: Path) -> None:
    clinic = write_clinic(tmp_path, "clinic: {name: Calm, phone: '555', hours: h}\n")
    assert "call 555" in load_settings(clinic, RESOURCES).cost_details()


def test_contact_details_say_where_when_and_how(tmp_path: Path) -> None:
    clinic = write_clinic(
        tmp_path,
        "clinic: {name: Calm, phone: '555', hours: 'Mon to Fri, 9 to 5',"
        " address: '1 Main St', email: 'hi@example.org'}\n",
    )
    assert load_settings(clinic, RESOURCES).contact_details() == (
        "Calm is at 1 Main St. We are open Mon to Fri, 9 to 5."
        " You can call 555 or email hi@example.org."
    )


def test_contact_details_leave_out_what_is_not_configured(tmp_path: Path) -> None:
    clinic = write_clinic(tmp_path, "clinic: {name: Calm, phone: '555', hours: h}\n")
    assert load_settings(clinic, RESOURCES).contact_details() == (
        "We are open h. You can call 555."
    )


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ("clinic: {name: A, hours: h}\n", "clinic.phone"),
        (
            "clinic: {name: A, phone: '1', hours: h}\ncrisis: {region: FR}\n",
            "region 'FR'",
        ),
        ("clinic: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_configuration_is_explained(
    body: str, complaint: str, tmp_path: Path
) -> None:
    with pytest.raises(SettingsError, match=complaint):
        load_settings(write_clinic(tmp_path, body), RESOURCES)


LIVE_CHAT = """clinic: {name: Calm, phone: '555', hours: h}
live_chat:
  timezone: America/New_York
  opening_hours: {monday: "08:00-18:00", saturday: "", sunday: "00:00-24:00"}
  expected_wait_minutes: 1
"""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_live_chat_is_open_in_its_hours_in_its_time_zone(tmp_path: Path) -> None:
    live_chat = load_settings(write_clinic(tmp_path, LIVE_CHAT), RESOURCES).live_chat
    # Monday 2026-11-23, 08:00 in New York is 13:00 UTC.
    assert not live_chat.is_open(at("2026-11-23T12:59:00+00:00"))
    assert live_chat.is_open(at("2026-11-23T13:00:00+00:00"))
    assert live_chat.is_open(at("2026-11-23T22:59:00+00:00"))
    assert not live_chat.is_open(at("2026-11-23T23:00:00+00:00")), "18:00 closes"
    assert not live_chat.is_open(at("2026-11-24T15:00:00+00:00")), "Tuesday: closed"
    assert not live_chat.is_open(at("2026-11-28T15:00:00+00:00")), "Saturday: empty"
    assert live_chat.is_open(at("2026-11-30T04:59:00+00:00")), "Sunday, all day"


def test_live_chat_wait_and_time_out_come_from_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(write_clinic(tmp_path, LIVE_CHAT), RESOURCES)
    assert settings.template_values()["live_chat_wait"] == "a minute"
    assert settings.live_chat.pickup_timeout_seconds == 180
    monkeypatch.setenv("HANDOFF_PICKUP_TIMEOUT_SECONDS", "5")
    assert (
        load_settings(
            write_clinic(tmp_path, LIVE_CHAT), RESOURCES
        ).live_chat.pickup_timeout_seconds
        == 5
    )


@pytest.mark.parametrize(
    ("live_chat", "complaint"),
    [
        ("{timezone: Mars/Olympus}", "unknown time zone"),
        ("{opening_hours: {funday: '08:00-09:00'}}", "not a day of the week"),
        ("{opening_hours: {monday: '8am-6pm'}}", "not a time like"),
    ],
)
def test_bad_live_chat_settings_say_what_to_fix(
    tmp_path: Path, live_chat: str, complaint: str
) -> None:
    body = f"clinic: {{name: Calm, phone: '555', hours: h}}\nlive_chat: {live_chat}\n"
    with pytest.raises(SettingsError, match=complaint):
        load_settings(write_clinic(tmp_path, body), RESOURCES)


def test_each_region_gives_a_number_to_call_that_its_crisis_line_names() -> None:
    for region in ("US", "CA", "GB", "AU"):
        crisis = load_crisis_resources(RESOURCES, region)
        assert crisis.call and crisis.call in crisis.short, region


def test_the_chat_widget_look_comes_from_the_configuration(tmp_path: Path) -> None:
    clinic = write_clinic(
        tmp_path,
        "clinic: {name: A, phone: '1', hours: h}\n"
        "widget: {color: '#123456', position: left}\n",
    )
    assert load_settings(clinic, RESOURCES).widget == WidgetLook("#123456", "left")
    plain = write_clinic(tmp_path, "clinic: {name: A, phone: '1', hours: h}\n")
    assert load_settings(plain, RESOURCES).widget == WidgetLook()


@pytest.mark.parametrize(
    ("widget", "complaint"),
    [("{color: teal}", "widget.color"), ("{position: top}", "widget.position")],
)
def test_a_bad_widget_look_is_explained(
    widget: str, complaint: str, tmp_path: Path
) -> None:
    clinic = write_clinic(
        tmp_path, f"clinic: {{name: A, phone: '1', hours: h}}\nwidget: {widget}\n"
    )
    with pytest.raises(SettingsError, match=complaint):
        load_settings(clinic, RESOURCES)


# What each service promises, as its own site says (config/crisis_resources.yml):
# (free, confidential, open 24/7) per line, in order.
PROMISES = {
    "US": [(True, True, True), (True, True, True)],
    "CA": [(True, True, True), (True, True, True)],
    "GB": [(True, True, True), (True, True, True)],
    # Lifeline's texts and the 1300 number may cost the caller something.
    "AU": [(False, True, True), (False, True, True)],
}


@pytest.mark.parametrize("region", sorted(PROMISES))
def test_each_line_promises_only_what_its_service_does(region: str) -> None:
    crisis = load_crisis_resources(RESOURCES, region)
    assert [
        (line.free, line.confidential, line.always_open) for line in crisis.lines
    ] == PROMISES[region]
    for line, shown in zip(crisis.lines, crisis.resources, strict=False):
        assert shown.startswith(line.text)
        assert ("Free" in shown) == line.free
        assert ("confidential" in shown.lower()) == line.confidential
        assert ("open 24/7" in shown) == line.always_open


@pytest.mark.parametrize("region", sorted(PROMISES))
def test_the_list_ends_with_the_emergency_number_and_promises_nothing(
    region: str,
) -> None:
    crisis = load_crisis_resources(RESOURCES, region)
    assert len(crisis.resources) == len(crisis.lines) + 1
    assert crisis.resources[-1] == (
        f"If you or someone else is in danger right now, call {crisis.emergency}."
    )
    assert (
        crisis.emergency in {"US": "911", "CA": "911", "GB": "999", "AU": "000"}[region]
    )
    for line in crisis.resources:
        assert "emergency room" not in line and "A&E" not in line, line


def write_resources(tmp_path: Path, lines: str, emergency: str = "'911'") -> Path:
    path = tmp_path / "crisis_resources.yml"
    path.write_text(
        "regions:\n  US:\n    short: call 988\n    call: '988'\n"
        f"    emergency: {emergency}\n    resources:\n{lines}",
        encoding="utf-8",
    )
    return path


def test_a_line_without_promises_says_none() -> None:
    from clinic.settings import CrisisLine

    assert CrisisLine("Call 123").as_text() == "Call 123."
    assert CrisisLine("Call 123", hours="9am-5pm").as_text() == (
        "Call 123. Open 9am-5pm."
    )


@pytest.mark.parametrize(
    ("lines", "emergency", "complaint"),
    [
        # Crisis replies say the main line is open 24/7: it must be.
        ("    - {text: Call 988, free: true}\n", "'911'", "must be open 24/7"),
        ("    - Call 988\n", "'911'", "must be open 24/7"),
        ("    - {text: Call 988, hours: 24/7, free: yes please}\n", "'911'", "free"),
        ("    - {text: Call 988, hours: 24/7, fre: true}\n", "'911'", "unknown field"),
        ("    - {hours: 24/7}\n", "'911'", "needs its text"),
        ("    - {text: Call 988, hours: 24/7}\n", "''", "emergency number"),
    ],
)
def test_crisis_lines_that_would_mislead_are_refused(
    tmp_path: Path, lines: str, emergency: str, complaint: str
) -> None:
    with pytest.raises(SettingsError, match=complaint):
        load_crisis_resources(write_resources(tmp_path, lines, emergency), "US")


def test_the_crisis_line_in_other_languages_is_read_by_language() -> None:
    us = load_crisis_resources(ROOT / "config" / "crisis_resources.yml", "US")
    assert "oprime 2" in us.in_language("es")
    assert us.in_language("xx") == ""
    canada = load_crisis_resources(ROOT / "config" / "crisis_resources.yml", "CA")
    assert "en français" in canada.in_language("fr")


@pytest.mark.parametrize(
    "languages", ["  in_other_languages: [es]\n", "  in_other_languages: {spa: x}\n"]
)
def test_a_bad_line_in_another_language_is_explained(
    tmp_path: Path, languages: str
) -> None:
    path = write_resources(tmp_path, "    - {text: Call 988, hours: 24/7}\n")
    path.write_text(
        path.read_text(encoding="utf-8") + "  " + languages, encoding="utf-8"
    )
    with pytest.raises(SettingsError, match="in_other_languages"):
        load_crisis_resources(path, "US")
