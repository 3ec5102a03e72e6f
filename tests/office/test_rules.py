"""office/rules.py without an app: periods, their previous period, filters, rates, the funnel."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from learnapp.office import rules
from learnapp.office.rules import FilterError

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(("kind", "at", "start", "end"), [
    ("month", "2026-11", date(2026, 11, 1), date(2026, 12, 1)),
    ("month", "2026-12", date(2026, 12, 1), date(2027, 1, 1)),
    ("season", "2026-autumn", date(2026, 9, 1), date(2026, 12, 1)),
    ("season", "2026-winter", date(2026, 12, 1), date(2027, 3, 1)),
    ("school_year", "2025-2026", date(2025, 9, 1), date(2026, 9, 1)),
    ("year", "2026", date(2026, 1, 1), date(2027, 1, 1)),
])
def test_periods(kind, at, start, end):
    period = rules.parse_period(kind, at, TODAY)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(("kind", "at", "before"), [
    ("month", "2026-01", "2025-12"),
    ("season", "2026-spring", "2025-winter"),
    ("season", "2026-winter", "2026-autumn"),
    ("school_year", "2026-2027", "2025-2026"),
    ("year", "2026", "2025"),
])
def test_the_previous_period_is_the_one_just_before(kind, at, before):
    period = rules.parse_period(kind, at, TODAY)
    earlier = rules.previous(period)
    assert earlier.at == before and earlier.end == period.start and earlier.kind == kind


def test_defaults_hold_today():
    assert rules.parse_period(None, None, TODAY).at == "2026-12"
    assert rules.parse_period("season", "", date(2027, 1, 15)).at == "2026-winter"
    assert rules.parse_period("school_year", None, date(2026, 8, 31)).at == "2025-2026"
    assert rules.previous(rules.parse_period("all", None, TODAY)) is None


def test_period_boundaries_are_midnight_in_paris():
    period = rules.parse_period("month", "2026-07", TODAY)
    assert period.start_utc == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)  # summer time: UTC+2
    assert period.end_utc == datetime(2026, 7, 31, 22, 0, tzinfo=UTC)
    winter = rules.parse_period("month", "2026-12", TODAY)
    assert winter.start_utc == datetime(2026, 11, 30, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize(("kind", "at"), [
    ("week", "2026-11"), ("month", "2026-13"), ("month", "2026-1"), ("month", "novembre"),
    ("month", "1850-01"), ("year", "9999"), ("season", "2026-mousson"), ("school_year", "2026-2025"),
    ("school_year", "2026-2030"), ("month", "2026-11' OR 1=1"),
])
def test_bad_periods_are_refused_with_a_message(kind, at):
    with pytest.raises(FilterError) as caught:
        rules.parse_period(kind, at, TODAY)
    assert caught.value.message  # a French message id for the page


def test_age_groups_and_birth_years():
    assert rules.parse_age_group(None) == "all"
    assert rules.parse_age_group("teen") == "teen"
    with pytest.raises(FilterError):
        rules.parse_age_group("senior")
    # In 2026: children born 2012 or later, teens 2009-2011, adults 2008 or before.
    assert rules.birth_years("child", 2026) == (2012, 2026)
    assert rules.birth_years("teen", 2026) == (2009, 2011)
    assert rules.birth_years("adult", 2026) == (None, 2008)


def test_rates_and_changes_never_divide_by_zero():
    assert rules.rate(3, 4) == 0.75
    assert rules.rate(0, 0) is None
    assert rules.change(0.5, 0.25) == 0.25
    assert rules.change(0.5, None) is None


def test_funnel_shares_and_drop_offs():
    steps = rules.funnel([("a", "A", 100), ("b", "B", 40), ("c", "C", 10)])
    assert [s.of_previous for s in steps] == [None, 0.4, 0.25]
    assert [s.drop_off for s in steps] == [0, 60, 30]
    assert rules.funnel([("a", "A", 0), ("b", "B", 0)])[1].of_previous is None


def test_months_of_a_period():
    months = rules.months_in(rules.parse_period("school_year", "2026-2027", TODAY), TODAY)
    assert [m.at for m in months][:2] == ["2026-09", "2026-10"] and len(months) == 12
    everything = rules.months_in(rules.parse_period("all", None, TODAY), TODAY)
    assert everything[-1].at == "2026-12" and len(everything) == 24


def test_dates_and_ranges():
    assert rules.parse_date("2026-11-30", "du") == date(2026, 11, 30)
    assert rules.parse_date("", "du") is None
    for bad in ("30/11/2026", "2026-02-30", "0001-01-01"):
        with pytest.raises(FilterError):
            rules.parse_date(bad, "du")
    with pytest.raises(FilterError):
        rules.check_range(date(2026, 12, 1), date(2026, 11, 1))
    assert rules.day_start_utc(date(2026, 11, 30), next_day=True) == datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
