"""A class books a guided-visit session: pupils + accompanying adults are the seats, taken
through the visits domain's booking service (its guarded seat claim: no oversold session)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from learnapp.extensions import db
from learnapp.schools.errors import SchoolError
from learnapp.schools.models import GroupVisit, SchoolClass
from learnapp.visits import booking as visit_booking
from learnapp.visits import rules as visit_rules
from learnapp.visits.errors import VisitError
from learnapp.visits.messages import describe
from learnapp.visits.models import Booking, Visit, VisitSession

__all__ = ["VisitError", "book", "cancel", "describe", "of_class", "open_sessions"]


def open_sessions(now: datetime, limit: int = 60) -> list[tuple[VisitSession, str]]:
    """Coming sessions of visits that welcome school groups, with a label to choose from."""
    rows = db.session.execute(
        select(VisitSession, Visit.title).join(Visit, Visit.id == VisitSession.visit_id)
        .where(Visit.school_groups.is_(True), VisitSession.status == visit_rules.SCHEDULED,
               VisitSession.starts_at > now)
        .order_by(VisitSession.starts_at).limit(limit)).all()
    return [(s, f"{title} — {format_datetime(s.starts_at, 'EEEE d MMMM y, HH:mm')} "
                f"({max(0, s.capacity - s.taken)}/{s.capacity})") for s, title in rows]


def book(school_class: SchoolClass, session_id: int, *, pupils: int, adults: int, teacher,
         now: datetime) -> visit_booking.BookingResult:
    session = db.session.get(VisitSession, session_id)
    if session is None or not session.visit.school_groups:
        raise SchoolError("no_visit_session")
    if school_class.archived_at is not None:
        raise SchoolError("archived")
    result = visit_booking.book_group(teacher, session, now=now, seats=pupils + adults)
    db.session.add(GroupVisit(class_id=school_class.id, booking_id=result.booking.id, pupils=pupils,
                              adults=adults, created_at=now))
    db.session.flush()
    return result


def of_class(school_class: SchoolClass) -> list[tuple[GroupVisit, Booking]]:
    return list(db.session.execute(
        select(GroupVisit, Booking).join(Booking, Booking.id == GroupVisit.booking_id)
        .options(joinedload(Booking.session).joinedload(VisitSession.visit))
        .where(GroupVisit.class_id == school_class.id).order_by(Booking.id.desc())).all())


def cancel(school_class: SchoolClass, group_visit_id: int, *, actor, now: datetime) -> None:
    found = db.session.get(GroupVisit, group_visit_id)
    if found is None or found.class_id != school_class.id:
        raise SchoolError("no_group_visit")
    booking = db.session.get(Booking, found.booking_id)
    visit_booking.cancel(booking, actor=actor, now=now)
