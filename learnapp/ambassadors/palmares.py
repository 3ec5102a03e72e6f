"""The palmarès: points from certificates and attended visits, per age group and season, in SQL.

Only ambassadors who opted in and are ``joined`` are ranked (a pause or leaving hides them).
A minor appears by first name and initial only. Points: ``points.certificate`` per certificate
earned in the season (one per achievement, revoked ones left out) plus ``points.visit`` per guided
visit attended in the season (weights in ``certificates/levels.yml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, literal, select

from learnapp.ambassadors import definitions
from learnapp.ambassadors.levels import attended_clause
from learnapp.ambassadors.models import JOINED, Level, Membership
from learnapp.auth import rules as account_rules
from learnapp.auth.models import User
from learnapp.certificates.models import Certificate
from learnapp.core import age_groups
from learnapp.extensions import db
from learnapp.visits.models import Attendance, Booking, VisitSession

TOP = 50


@dataclass(frozen=True)
class Line:
    place: int
    name: str
    level_names: dict | None
    certificates: int
    visits: int
    points: int


def season_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def birth_years_of(group: str, year: int) -> tuple[int, int]:
    """The birth years (inclusive) of ``group`` in calendar year ``year`` (see core.age_groups:
    a person's group changes on 1 January of the year they reach its age)."""
    index = age_groups.ALL.index(group)
    youngest = year - age_groups.GROUPS[index].from_age
    if index + 1 == len(age_groups.GROUPS):
        return 0, youngest
    return year - age_groups.GROUPS[index + 1].from_age + 1, youngest


def ranking(group: str, year: int, *, now: datetime, limit: int = TOP) -> list[Line]:
    """The top ``limit`` of ``group`` for season ``year`` (group as people are today)."""
    start, end = season_bounds(year)
    weights = definitions.weights()
    certificates = (select(Certificate.user_id.label("user_id"),
                           func.count(func.distinct(Certificate.achievement_id)).label("n"))
                    .where(Certificate.revoked_at.is_(None), Certificate.issued_at >= start,
                           Certificate.issued_at < end)
                    .group_by(Certificate.user_id).subquery())
    visits = (select(Booking.user_id.label("user_id"), func.count(func.distinct(Booking.session_id)).label("n"))
              .join(Attendance, Attendance.booking_id == Booking.id)
              .join(VisitSession, VisitSession.id == Booking.session_id)
              .where(attended_clause(), VisitSession.starts_at >= start, VisitSession.starts_at < end)
              .group_by(Booking.user_id).subquery())
    n_certificates = func.coalesce(certificates.c.n, 0)
    n_visits = func.coalesce(visits.c.n, 0)
    points = (n_certificates * literal(int(weights.get("certificate", 0)))
              + n_visits * literal(int(weights.get("visit", 0)))).label("points")
    oldest, youngest = birth_years_of(group, age_groups.office_date(now).year)
    rows = db.session.execute(
        select(User.first_name, User.last_name, User.display_name, User.name_shown, User.birth_year,
               Level.names, n_certificates.label("certificates"), n_visits.label("visits"), points)
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(Level, Level.id == Membership.level_id)
        .outerjoin(certificates, certificates.c.user_id == User.id)
        .outerjoin(visits, visits.c.user_id == User.id)
        .where(Membership.status == JOINED, Membership.in_palmares.is_(True), User.is_active_account.is_(True),
               User.birth_year >= oldest, User.birth_year <= youngest, points > 0)
        .order_by(points.desc(), func.lower(User.first_name), User.id)
        .limit(limit)).all()
    lines: list[Line] = []
    place, previous = 0, None
    for index, row in enumerate(rows, start=1):
        if row.points != previous:  # ties share a place: 1, 2, 2, 4
            place, previous = index, row.points
        minor = age_groups.group_on(row.birth_year, age_groups.office_date(now)) != age_groups.ADULT
        name = account_rules.public_name(row.first_name, row.last_name, row.name_shown, minor=minor) \
            if row.first_name else row.display_name.split()[0]
        lines.append(Line(place, name, row.names, int(row.certificates), int(row.visits), int(row.points)))
    return lines


def seasons(now: datetime) -> list[int]:
    """The seasons one may look at: from the first certificate's year to this year."""
    first = db.session.scalar(select(func.min(Certificate.issued_at)))
    this = age_groups.office_date(now).year
    start = first.year if first else this
    return list(range(this, max(start, this - 10) - 1, -1))
