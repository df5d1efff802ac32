"""The Insights page's helpers: periods, CSV, waits as staff read them."""

from __future__ import annotations

from datetime import date

import pytest
from aiohttp import web
from sqlalchemy.engine import Engine

from clinic.console import insights_pages
from clinic.console.insights_pages import chosen_period, csv_text, duration


def test_a_visitors_words_never_run_as_a_formula() -> None:
    text = csv_text(["message", "times"], [['=HYPERLINK("x")', 2], ["-1 +2", -1]])
    assert text.splitlines() == [
        "message,times",
        '"\'=HYPERLINK(""x"")",2',
        "'-1 +2,-1",
    ]


def test_the_period_is_seven_days_unless_chosen() -> None:
    today = date(2026, 12, 5)
    period, choice = chosen_period({}, today)
    assert (period.first, period.last, choice) == (date(2026, 11, 29), today, "7")
    period, choice = chosen_period({"days": "30"}, today)
    assert (len(period.days), choice) == (30, "30")
    period, choice = chosen_period({"from": "2026-01-01", "to": "2026-01-31"}, today)
    assert (len(period.days), choice) == (31, "custom")


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-02-01", "to": "2026-01-01"},
        {"from": "2020-01-01", "to": "2026-01-01"},
        {"from": "yesterday", "to": "2026-01-01"},
    ],
)
def test_a_period_backwards_too_long_or_unreadable_is_refused(query: dict) -> None:
    with pytest.raises(web.HTTPBadRequest):
        chosen_period(query, date(2026, 12, 5))


def test_waits_read_as_people_say_them() -> None:
    assert [duration(s) for s in (None, 45, 720, 3 * 3600 + 300, 3 * 86400)] == [
        "none",
        "45 s",
        "12 min",
        "3 h 5 min",
        "3.0 days",
    ]


def test_a_fold_that_fails_shows_the_figures_already_folded(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fold_fault(*_: object, **__: object) -> int:
        raise UnicodeEncodeError("utf-8", "\udf75", 0, 1, "surrogates not allowed")

    monkeypatch.setattr(insights_pages, "refresh", fold_fault)
    report, choice, current = insights_pages.report_for(engine, {})
    assert (report.conversations, choice, current) == (0, "7", False)
