"""The dashboard's pure rules: periods, filters read from a query string, changes and drop-offs.

No Flask, no database: values in, values out (tested in tests/office/test_rules.py). Messages are
French ids marked with ``N_``; the view translates them.

Periods are calendar spans in the office's time zone (Europe/Paris), end excluded:

=============  ======================  ============================================
kind           ``at``                  span
=============  ======================  ============================================
month          ``2026-11``             1 Nov 2026 → 1 Dec 2026
season         ``2026-autumn``         spring Mar–May, summer Jun–Aug, autumn Sep–Nov,
                                       winter Dec–Feb (``2026-winter``: Dec 2026 → Mar 2027)
school_year    ``2026-2027``           1 Sep 2026 → 1 Sep 2027
year           ``2026``                1 Jan 2026 → 1 Jan 2027
all            (none)                  everything; no previous period
=============  ======================  ============================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from learnapp.core import age_groups
from learnapp.core.messages import N_

OFFICE_TIME_ZONE = ZoneInfo("Europe/Paris")
PERIOD_KINDS = ("month", "season", "school_year", "year", "all")
SEASONS = ("winter", "spring", "summer", "autumn")
SEASON_START_MONTH = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}
# Data before this year cannot exist (the platform is younger); a year past next year is a typo.
FIRST_YEAR = 2000
AGE_ALL = "all"
LEARNER_ROLE = "learner"  # the funnel's and the rates' people: accounts holding this role


class FilterError(ValueError):
    """A filter the dashboard cannot use; ``message`` is a French message id, ``params`` its values."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


@dataclass(frozen=True)
class Period:
    kind: str
    at: str  # as in the query string: "2026-11", "2026-autumn", "2026-2027", "2026", ""
    start: date | None  # None for "all"
    end: date | None  # excluded

    @property
    def start_utc(self) -> datetime | None:
        return _utc(self.start)

    @property
    def end_utc(self) -> datetime | None:
        return _utc(self.end)

    @property
    def year(self) -> int | None:
        return self.start.year if self.start else None


def _utc(day: date | None) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time(0), tzinfo=OFFICE_TIME_ZONE).astimezone(UTC)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def _check_year(year: int, today: date) -> None:
    if not FIRST_YEAR <= year <= today.year + 1:
        raise FilterError(N_("L'année %(year)s est hors de la plage possible (%(first)s à %(last)s)."),
                          year=year, first=FIRST_YEAR, last=today.year + 1)


def default_at(kind: str, today: date) -> str:
    """The period of ``kind`` holding ``today``."""
    if kind == "month":
        return f"{today.year:04d}-{today.month:02d}"
    if kind == "season":
        year = today.year - 1 if today.month < 3 else today.year
        month = today.month
        season = ("winter" if month in (12, 1, 2) else "spring" if month <= 5
                  else "summer" if month <= 8 else "autumn")
        return f"{year}-{season}"
    if kind == "school_year":
        start = today.year if today.month >= 9 else today.year - 1
        return f"{start}-{start + 1}"
    if kind == "year":
        return str(today.year)
    return ""


def parse_period(kind: str | None, at: str | None, today: date) -> Period:
    """The period a query string asks for; missing parts default to the one holding ``today``.
    Raises :class:`FilterError` for an unknown kind, a malformed or absurd value."""
    kind = (kind or "month").strip()
    if kind not in PERIOD_KINDS:
        raise FilterError(N_("Type de période inconnu : « %(value)s »."), value=kind[:40])
    at = (at or "").strip() or default_at(kind, today)
    if kind == "all":
        return Period("all", "", None, None)
    patterns = {"month": r"(\d{4})-(\d{2})", "season": r"(\d{4})-(winter|spring|summer|autumn)",
                "school_year": r"(\d{4})-(\d{4})", "year": r"(\d{4})"}
    match = re.fullmatch(patterns[kind], at, re.ASCII)  # "２０２６" is no period
    if not match:
        raise FilterError(N_("Période illisible : « %(value)s »."), value=at[:40])
    year = int(match.group(1))
    _check_year(year, today)
    if kind == "month":
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise FilterError(N_("Période illisible : « %(value)s »."), value=at)
        start = date(year, month, 1)
        return Period(kind, at, start, _add_months(start, 1))
    if kind == "season":
        start = date(year, SEASON_START_MONTH[match.group(2)], 1)
        return Period(kind, at, start, _add_months(start, 3))
    if kind == "school_year":
        if int(match.group(2)) != year + 1:
            raise FilterError(N_("Une année scolaire va d'une année à la suivante (par exemple 2026-2027)."))
        start = date(year, 9, 1)
        return Period(kind, at, start, date(year + 1, 9, 1))
    start = date(year, 1, 1)
    return Period(kind, at, start, date(year + 1, 1, 1))


def previous(period: Period) -> Period | None:
    """The period just before, of the same kind (none before "all")."""
    if period.start is None:
        return None
    if period.kind == "month":
        start = _add_months(period.start, -1)
        return Period("month", f"{start.year:04d}-{start.month:02d}", start, period.start)
    if period.kind == "season":
        start = _add_months(period.start, -3)
        name = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}[start.month]
        return Period("season", f"{start.year}-{name}", start, period.start)
    if period.kind == "school_year":
        year = period.start.year - 1
        return Period("school_year", f"{year}-{year + 1}", date(year, 9, 1), period.start)
    year = period.start.year - 1
    return Period("year", str(year), date(year, 1, 1), period.start)


def months_in(period: Period, today: date, *, limit: int = 24) -> list[Period]:
    """The months of ``period`` (for "all": the last ``limit`` months up to ``today``)."""
    if period.start is None:
        end = _add_months(date(today.year, today.month, 1), 1)
        start = _add_months(end, -limit)
    else:
        start, end = period.start, period.end
    months = []
    while start < end and len(months) < limit:
        following = _add_months(start, 1)
        months.append(Period("month", f"{start.year:04d}-{start.month:02d}", start, following))
        start = following
    return months


def months_between(first: date, last: date) -> list[Period]:
    """Every month from ``first``'s to ``last``'s, both included."""
    start, end = date(first.year, first.month, 1), _add_months(date(last.year, last.month, 1), 1)
    return months_in(Period("all", "", start, end), last, limit=(end.year - start.year + 1) * 12)


def birth_years(group: str, year: int) -> tuple[int | None, int | None]:
    """The birth years (lowest, highest; None: unbounded) of ``group`` during calendar ``year``:
    the age group a person is counted in, from the birth year the account holds."""
    codes = age_groups.ALL
    index = codes.index(group)
    lowest_age = age_groups.get(group).from_age
    highest_age = age_groups.get(codes[index + 1]).from_age - 1 if index + 1 < len(codes) else None
    return (None if highest_age is None else year - highest_age, year - lowest_age)


@dataclass(frozen=True)
class Filters:
    """What the dashboard shows: a period, an age group (or all), and the population filters
    other domains register (a school, a class: see office/seams.py), by key."""

    period: Period
    age_group: str = AGE_ALL
    extra: dict = field(default_factory=dict)

    def key(self) -> str:
        """A stable text naming these filters (cache keys, CSV file names)."""
        extras = "&".join(f"{k}={v}" for k, v in sorted(self.extra.items()))
        return f"period={self.period.kind}:{self.period.at}&age={self.age_group}" + (f"&{extras}" if extras else "")


def parse_age_group(raw: str | None) -> str:
    value = (raw or AGE_ALL).strip()
    if value != AGE_ALL and not age_groups.is_group(value):
        raise FilterError(N_("Tranche d'âge inconnue : « %(value)s »."), value=value[:40])
    return value


def rate(part: int, whole: int) -> float | None:
    """part / whole, None when there is no one to count (never a division by zero)."""
    return part / whole if whole else None


def change(current: float | None, before: float | None) -> float | None:
    """The difference, in the same unit (rates: points), None when either side is missing."""
    if current is None or before is None:
        return None
    return current - before


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: str
    people: int
    of_previous: float | None  # share of the previous step who reached this one
    drop_off: int  # people lost since the previous step


def funnel(steps: list[tuple[str, str, int]]) -> list[FunnelStep]:
    """``[(key, label, people)]`` in order → each step with its share of the previous and its drop-off."""
    result = []
    before = None
    for key, label, people in steps:
        result.append(FunnelStep(key, label, people, rate(people, before) if before is not None else None,
                                 (before - people) if before is not None else 0))
        before = people
    return result


def parse_date(raw: str | None, what: str) -> date | None:
    """An ISO day from a form (``2026-11-30``), None when empty; FilterError when unreadable/absurd."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise FilterError(N_("Date illisible (%(what)s) : « %(value)s »."), what=what, value=raw[:40]) from None
    if not FIRST_YEAR <= day.year <= 2100:
        raise FilterError(N_("Date hors de la plage possible (%(what)s) : « %(value)s »."), what=what, value=raw)
    return day


def check_range(start: date | None, end: date | None) -> None:
    if start and end and start > end:
        raise FilterError(N_("La date de début est après la date de fin."))


def office_today(moment: datetime) -> date:
    """The office's calendar day at ``moment`` (Europe/Paris)."""
    return age_groups.office_date(moment)


def day_start_utc(day: date | None, *, next_day: bool = False) -> datetime | None:
    """Midnight in Paris of ``day`` (or of the day after: an inclusive end date), in UTC."""
    if day is None:
        return None
    if next_day:
        day = day + timedelta(days=1)
    return _utc(day)
