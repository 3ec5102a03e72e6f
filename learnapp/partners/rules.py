"""Pure rules of partners' offers: who may get an offer now, and how often.

No Flask, no database: values in, values out. Days, weeks, months and seasons are counted on the
office's calendar (Europe/Paris): an offer "once a day" opens again at midnight in Granville,
whatever the server's clock says.

A *period key* names the period a use falls in ("D2026-12-01", "W2026-49", "M2026-12",
"S2026"); the database holds one use per ambassador, offer and period key (a unique constraint),
which is what makes two cashiers pressing at once record one use, not two. An unlimited offer has
no period key (NULL never clashes with NULL in a unique constraint).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from learnapp.core.age_groups import ALL as AGE_GROUPS
from learnapp.core.age_groups import OFFICE_TIME_ZONE

DAY, WEEK, MONTH, SEASON, UNLIMITED = "day", "week", "month", "season", "unlimited"
FREQUENCIES = (DAY, WEEK, MONTH, SEASON, UNLIMITED)
LIMITED = (DAY, WEEK, MONTH, SEASON)  # the frequencies with a period key
# A season is the partners' agreement year: it starts on this month's first day (January: the
# calendar year). One constant to move if the office signs its agreements from April instead.
SEASON_START_MONTH = 1

KINDS = ("site", "museum", "shop", "restaurant", "activity", "other")


def local_day(moment: datetime) -> date:
    return moment.astimezone(OFFICE_TIME_ZONE).date()


def season_of(day: date) -> int:
    """The season a day belongs to, named by the year it starts in."""
    return day.year if day.month >= SEASON_START_MONTH else day.year - 1


def period_key(frequency: str, moment: datetime) -> str | None:
    """The period ``moment`` falls in for ``frequency``; None for an unlimited offer."""
    day = local_day(moment)
    if frequency == DAY:
        return f"D{day.isoformat()}"
    if frequency == WEEK:
        year, week, _ = day.isocalendar()
        return f"W{year}-{week:02d}"
    if frequency == MONTH:
        return f"M{day.year}-{day.month:02d}"
    if frequency == SEASON:
        return f"S{season_of(day)}"
    if frequency == UNLIMITED:
        return None
    raise ValueError(f"unknown frequency {frequency!r}")


def next_period_starts(frequency: str, moment: datetime) -> date | None:
    """The first local day of the next period (when a used offer opens again); None if unlimited."""
    day = local_day(moment)
    if frequency == DAY:
        return day + timedelta(days=1)
    if frequency == WEEK:
        return day + timedelta(days=7 - day.weekday())
    if frequency == MONTH:
        return date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    if frequency == SEASON:
        return date(season_of(day) + 1, SEASON_START_MONTH, 1)
    if frequency == UNLIMITED:
        return None
    raise ValueError(f"unknown frequency {frequency!r}")


def month_of(moment: datetime) -> str:
    """"2026-12": the month a use is counted in on the staff's monthly table."""
    day = local_day(moment)
    return f"{day.year}-{day.month:02d}"


@dataclass(frozen=True)
class OfferFacts:
    active: bool
    min_level_rank: int  # 0: any ambassador, even without a level yet
    age_groups: tuple[str, ...]  # empty: every age group
    valid_from: date | None
    valid_until: date | None


@dataclass(frozen=True)
class HolderFacts:
    """What an offer asks of the card's holder (from their standing)."""

    level_rank: int
    age_group: str


def offer_refusal(offer: OfferFacts, holder: HolderFacts, now: datetime) -> str | None:
    """Why this holder may not get this offer today (a code), or None. The frequency limit is
    checked apart: it needs the holder's past uses (and, to be race-free, the database)."""
    today = local_day(now)
    if not offer.active:
        return "offer_closed"
    if offer.valid_from is not None and today < offer.valid_from:
        return "offer_not_started"
    if offer.valid_until is not None and today > offer.valid_until:
        return "offer_ended"
    if offer.age_groups and holder.age_group not in offer.age_groups:
        return "age_group"
    if holder.level_rank < offer.min_level_rank:
        return "level"
    return None


def offer_problems(*, title: str, frequency: str, min_level_rank: int, age_groups: Iterable[str],
                   valid_from: date | None, valid_until: date | None) -> list[str]:
    """What is wrong with an offer as staff typed it (codes; empty when it can be saved)."""
    problems = []
    if not title.strip():
        problems.append("title_missing")
    if frequency not in FREQUENCIES:
        problems.append("frequency_unknown")
    if not 0 <= min_level_rank <= 9:
        problems.append("level_unknown")
    if any(group not in AGE_GROUPS for group in age_groups):
        problems.append("age_group_unknown")
    if valid_from and valid_until and valid_until < valid_from:
        problems.append("dates_reversed")
    return problems
