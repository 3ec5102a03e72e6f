"""What the visit pages list: upcoming sessions with their free seats and waitlist, in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Integer, String, bindparam, cast, func, select

from learnapp.core.pagination import Page, page_number
from learnapp.extensions import db
from learnapp.visits import rules
from learnapp.visits.models import Booking, Visit, VisitSession

PER_PAGE = 20


@dataclass(frozen=True)
class SessionCard:
    session: VisitSession
    visit: Visit
    waiting: int

    @property
    def free(self) -> int:
        return max(0, self.session.capacity - self.session.taken)


@dataclass(frozen=True)
class ListedSession:
    """One line of the public list: only the columns the page shows (no ORM objects to build).
    Hashable: the page keys its rendered list by these values (see ``visits/index.html``)."""

    id: int
    starts_at: datetime
    capacity: int
    taken: int
    title: str
    audiences: tuple[str, ...]
    waiting: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.taken)


def _waiting_counts():
    return (select(Booking.session_id, func.count().label("waiting"))
            .where(Booking.status == rules.WAITLISTED).group_by(Booking.session_id).subquery())


def _waiting_of_row():
    """The waitlist length of each listed session, counted on the (session, status) index."""
    return (select(func.count()).select_from(Booking)
            .where(Booking.session_id == VisitSession.id, Booking.status == rules.WAITLISTED)
            .correlate(VisitSession).scalar_subquery())


@cache
def _upcoming_query():
    """The list's statement, built once per process: building it (columns, join, correlated
    count) cost more than running it. The moment is a bound parameter."""
    return (select(VisitSession.id, VisitSession.starts_at, VisitSession.capacity, VisitSession.taken,
                   Visit.title, Visit.audiences, _waiting_of_row())
            .join(Visit, VisitSession.visit_id == Visit.id)
            .where(VisitSession.starts_at > bindparam("now", type_=VisitSession.starts_at.type),
                   VisitSession.status == rules.SCHEDULED)
            .order_by(VisitSession.starts_at, VisitSession.id))


@cache
def _upcoming_page_query():
    """One page of the list, built once too: the same statement object on every request keeps
    its cache key (a new ``.limit(n).offset(m)`` per request cost as much as the query)."""
    return (_upcoming_query().limit(bindparam("limit", type_=Integer))
            .offset(bindparam("offset", type_=Integer)))


def upcoming(now: datetime, *, month: str | None = None, audience: str | None = None,
             free_only: bool = False, raw_page: str | None = None, per_page: int = PER_PAGE) -> Page:
    """The public list, one query in the usual case (the total is counted only when a page is
    full, so it may have a next one)."""
    query = _upcoming_page_query()
    if month:
        bounds = rules.month_bounds(month)
        if bounds:
            query = query.where(VisitSession.starts_at >= bounds[0], VisitSession.starts_at < bounds[1])
    if audience:
        # JSON lists are stored as text on SQLite and PostgreSQL alike: '["teen", "adult"]'.
        query = query.where(cast(Visit.audiences, String).like(f'%"{audience}"%'))
    if free_only:
        query = query.where(VisitSession.taken < VisitSession.capacity)
    number = page_number(raw_page)
    offset = (number - 1) * per_page
    # On the session's connection (same transaction) but past the ORM's per-statement work,
    # which cost more than the query: only columns come back.
    rows = db.session.connection().execute(query, {"now": now, "limit": per_page, "offset": offset}).all()
    items = [ListedSession(id, starts_at, capacity, taken, title, tuple(audiences or ()), waiting)
             for id, starts_at, capacity, taken, title, audiences, waiting in rows]
    if len(items) == per_page or (not items and number > 1):
        whole = query.limit(None).offset(None).order_by(None)
        total = db.session.scalar(select(func.count()).select_from(whole.subquery()), {"now": now})
    else:
        total = offset + len(items)
    return Page(items=items, number=number, per_page=per_page, total=total)


def months_ahead(now: datetime, count: int = 12) -> list[str]:
    local = rules.local(now)
    year, month = local.year, local.month
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def staff_sessions(*, since: datetime, guide_id: int | None = None, raw_page: str | None = None) -> Page:
    """Sessions from ``since`` on (staff: all; a guide: theirs), with the waitlist length."""
    waiting = _waiting_counts()
    query = (select(VisitSession, Visit, func.coalesce(waiting.c.waiting, 0))
             .join(Visit, VisitSession.visit_id == Visit.id)
             .outerjoin(waiting, waiting.c.session_id == VisitSession.id)
             .where(VisitSession.starts_at >= since))
    if guide_id is not None:
        query = query.where(func.coalesce(VisitSession.guide_id, Visit.guide_id) == guide_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    number = page_number(raw_page)
    rows = db.session.execute(query.order_by(VisitSession.starts_at, VisitSession.id)
                              .limit(PER_PAGE).offset((number - 1) * PER_PAGE)).all()
    return Page(items=[SessionCard(s, v, w) for s, v, w in rows], number=number, per_page=PER_PAGE, total=total)


def visit_rates(guide_id: int | None = None) -> list[tuple[Visit, int, int, int]]:
    """Per visit: (visit, people marked attended, people marked no-show)."""
    from learnapp.visits.models import Attendance

    query = (select(Visit,
                    func.count(Attendance.id).filter(Attendance.attended.is_(True)),
                    func.count(Attendance.id).filter(Attendance.attended.is_(False)))
             .select_from(Visit)
             .outerjoin(VisitSession, VisitSession.visit_id == Visit.id)
             .outerjoin(Booking, (Booking.session_id == VisitSession.id) & (Booking.status == rules.CONFIRMED))
             .outerjoin(Attendance, Attendance.booking_id == Booking.id)
             .group_by(Visit.id).order_by(Visit.title))
    if guide_id is not None:
        query = query.where(Visit.guide_id == guide_id)
    return [(visit, attended, no_show) for visit, attended, no_show in db.session.execute(query).all()]


@dataclass(frozen=True)
class OpenSession:
    """A session the home page offers: open for booking now, with a seat left."""

    id: int
    starts_at: datetime
    title: str
    meeting_point: str
    free: int


def next_open(now: datetime, *, limit: int = 3) -> list[OpenSession]:
    """The next ``limit`` sessions anyone may book a seat at now (scheduled, in the future,
    booking window open, at least one seat free): one query on the start-time index."""
    opened = (VisitSession.booking_opens_at.is_(None)) | (VisitSession.booking_opens_at <= now)
    not_closed = (VisitSession.booking_closes_at.is_(None)) | (VisitSession.booking_closes_at > now)
    rows = db.session.execute(
        select(VisitSession.id, VisitSession.starts_at, Visit.title, Visit.meeting_point,
               VisitSession.capacity - VisitSession.taken)
        .join(Visit, VisitSession.visit_id == Visit.id)
        .where(VisitSession.starts_at > now, VisitSession.status == rules.SCHEDULED,
               VisitSession.taken < VisitSession.capacity, opened, not_closed)
        .order_by(VisitSession.starts_at, VisitSession.id).limit(limit))
    return [OpenSession(*row) for row in rows]
