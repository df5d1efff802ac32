from __future__ import annotations

from pathlib import Path

import pytest

from clinic.settings import SettingsError, load_settings

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
