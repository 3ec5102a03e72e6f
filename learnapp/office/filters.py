"""The dashboard's filters as a query string: read and checked, and the choices the form offers.

``?period=month:2026-11&age=teen`` plus any population filter another domain registered
(``&school=12``: office/seams.py). A parameter nobody knows is refused with a message (a typo
must not silently show unfiltered numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app

from learnapp.core import age_groups
from learnapp.core.messages import N_
from learnapp.office import rules, seams
from learnapp.office.rules import FilterError, Filters, Period

KNOWN = {"period", "age"}


def _period(raw: str | None, today: date) -> Period:
    kind, _, at = (raw or "").partition(":")
    return rules.parse_period(kind or None, at or None, today)


def read(args, today: date) -> Filters:
    """``request.args`` → Filters; FilterError for anything unknown, malformed or absurd."""
    registered = {f.key: f for f in seams.registry(current_app).filters}
    unknown = sorted(set(args) - KNOWN - set(registered))
    if unknown:
        raise FilterError(N_("Filtre inconnu : « %(value)s »."), value=unknown[0][:40])
    for key in args:
        if len(args.getlist(key)) > 1:
            raise FilterError(N_("Le filtre « %(value)s » est donné plusieurs fois."), value=key[:40])
    period = _period(args.get("period"), today)
    age = rules.parse_age_group(args.get("age"))
    extra = {}
    for key, population_filter in registered.items():
        value = (args.get(key) or "").strip()
        if not value:
            continue
        if value not in {choice for choice, _label in population_filter.choices()}:
            raise FilterError(N_("Valeur inconnue pour le filtre « %(key)s » : « %(value)s »."),
                              key=key, value=value[:40])
        extra[key] = value
    return Filters(period, age, extra)


def query_args(filters: Filters) -> dict[str, str]:
    """The query string that gives back ``filters`` (CSV links, pages)."""
    args = {"period": f"{filters.period.kind}:{filters.period.at}" if filters.period.at else filters.period.kind,
            "age": filters.age_group}
    args.update(filters.extra)
    return args


@dataclass(frozen=True)
class Option:
    value: str
    period: Period


def period_options(today: date) -> dict[str, list[Period]]:
    """What the form's period list offers, by kind, newest first."""
    months, seasons, school_years, years = [], [], [], []
    month = rules.parse_period("month", None, today)
    for _ in range(24):
        months.append(month)
        month = rules.previous(month)
    season = rules.parse_period("season", None, today)
    for _ in range(8):
        seasons.append(season)
        season = rules.previous(season)
    school_year = rules.parse_period("school_year", None, today)
    for _ in range(5):
        school_years.append(school_year)
        school_year = rules.previous(school_year)
    year = rules.parse_period("year", None, today)
    for _ in range(5):
        years.append(year)
        year = rules.previous(year)
    return {"month": months, "season": seasons, "school_year": school_years, "year": years,
            "all": [rules.parse_period("all", None, today)]}


def form_state(args, today: date) -> dict:
    """What the filter form shows: the options and the values the request chose (kept as typed
    when they were refused, so the reader sees what to fix)."""
    registered = seams.registry(current_app).filters
    return {
        "period": (args.get("period") or "")[:40],
        "periods": period_options(today),
        "age": (args.get("age") or rules.AGE_ALL)[:20],
        "ages": [(rules.AGE_ALL, None)] + [(code, label) for code, label in age_groups.short_labels().items()],
        "populations": [(f, f.choices(), (args.get(f.key) or "")[:40]) for f in registered],
    }
