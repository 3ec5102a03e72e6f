"""Booking and cancelling seats; the waitlist.

Race-free by construction (see ../shared/DESIGN.md: a read-then-write count oversells):
- a seat is taken by ``UPDATE visit_session SET taken = taken + n WHERE id = … AND
  taken + n <= capacity``; the database serialises those updates on the session's row (SQLite:
  its single writer, waiting up to the busy timeout; PostgreSQL: the row lock, with the WHERE
  clause re-checked against the committed row), so the count can never pass the capacity;
- a booking changes state by ``UPDATE visit_booking SET status = … WHERE id = … AND
  status = <expected>``: of two requests, exactly one sees ``rowcount == 1``. That is what makes
  a cancellation free its seats once and a waitlisted booking be promoted once.
Services flush and never commit; ``user`` and ``now`` are arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager

from learnapp.core.signals import roster_changed
from learnapp.extensions import db
from learnapp.visits import notify, rules
from learnapp.visits.access import email_confirmed, user_age_group
from learnapp.visits.errors import VisitError
from learnapp.visits.models import Booking, VisitSession


@dataclass(frozen=True)
class BookingResult:
    booking: Booking
    confirmed: bool
    place: int | None = None  # place on the waitlist, 1 for the first in line


def session_facts(session: VisitSession) -> rules.SessionFacts:
    return rules.SessionFacts(
        starts_at=session.starts_at, ends_at=session.ends_at, status=session.status,
        audiences=tuple(session.visit.audiences or ()), booking_opens_at=session.booking_opens_at,
        booking_closes_at=session.booking_closes_at)


def live_booking(user, session: VisitSession) -> Booking | None:
    return db.session.scalar(select(Booking).where(
        Booking.user_id == user.id, Booking.active_session_id == session.id))


def overlapping_booking(user, session: VisitSession) -> Booking | None:
    """The user's live booking of another session at the same time, if any."""
    return db.session.scalar(
        select(Booking).join(VisitSession, Booking.session_id == VisitSession.id)
        .where(Booking.user_id == user.id, Booking.status.in_(rules.LIVE),
               VisitSession.id != session.id, VisitSession.status == rules.SCHEDULED,
               VisitSession.starts_at < session.ends_at, VisitSession.ends_at > session.starts_at)
        .limit(1))


def waiting_ids(session_id: int) -> list[int]:
    return list(db.session.scalars(
        select(Booking.id).where(Booking.session_id == session_id, Booking.status == rules.WAITLISTED)
        .order_by(Booking.id)))


def waitlist_length(session_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Booking).where(
        Booking.session_id == session_id, Booking.status == rules.WAITLISTED))


def waitlist_place(booking: Booking) -> int | None:
    if booking.status != rules.WAITLISTED:
        return None
    return 1 + db.session.scalar(select(func.count()).select_from(Booking).where(
        Booking.session_id == booking.session_id, Booking.status == rules.WAITLISTED,
        Booking.id < booking.id))


def check_booking(user, session: VisitSession, *, seats: int, children: Sequence[str],
                  now: datetime) -> None:
    """Raise VisitError when the rules refuse; nothing is written."""
    code = rules.booking_refusal(
        session_facts(session), now=now, age_group=user_age_group(user, now), seats=seats,
        children=children, email_confirmed=email_confirmed(user))
    if code:
        raise VisitError(code)
    if live_booking(user, session) is not None:
        raise VisitError("already_booked")
    if overlapping_booking(user, session) is not None:
        raise VisitError("overlap")


def book(user, session: VisitSession, *, now: datetime, seats: int = 1,
         children: Sequence[str] = ()) -> BookingResult:
    """A seat (or seats) now, or a place on the waitlist when the session is full."""
    children = [name.strip() for name in children]
    check_booking(user, session, seats=seats, children=children, now=now)
    confirmed = _claim_seats(session.id, seats)
    booking = Booking(session_id=session.id, active_session_id=session.id, user_id=user.id,
                      kind=rules.PERSON, seats=seats, children=children, created_at=now,
                      status=rules.CONFIRMED if confirmed else rules.WAITLISTED,
                      confirmed_at=now if confirmed else None)
    db.session.add(booking)
    db.session.flush()  # a second live booking of the same account fails here (unique)
    db.session.refresh(session)
    place = None if confirmed else waitlist_place(booking)
    notify.booked(booking, place=place, now=now)
    return BookingResult(booking=booking, confirmed=confirmed, place=place)


def book_group(user, session: VisitSession, *, now: datetime, seats: int) -> BookingResult:
    """A school group's seats (pupils + accompanying adults), booked by their teacher: the same
    guarded seat claim as a person's booking, so a group never takes seats that are not free;
    when they are not, the group joins the waitlist."""
    code = rules.group_refusal(session_facts(session), now=now, school_groups=session.visit.school_groups,
                               seats=seats)
    if code:
        raise VisitError(code)
    if live_booking(user, session) is not None:
        raise VisitError("already_booked")
    confirmed = _claim_seats(session.id, seats)
    booking = Booking(session_id=session.id, active_session_id=session.id, user_id=user.id,
                      kind=rules.GROUP, seats=seats, children=[], created_at=now,
                      status=rules.CONFIRMED if confirmed else rules.WAITLISTED,
                      confirmed_at=now if confirmed else None)
    db.session.add(booking)
    db.session.flush()
    db.session.refresh(session)
    place = None if confirmed else waitlist_place(booking)
    notify.booked(booking, place=place, now=now)
    return BookingResult(booking=booking, confirmed=confirmed, place=place)


def _claim_seats(session_id: int, seats: int) -> bool:
    result = db.session.execute(
        update(VisitSession)
        .where(VisitSession.id == session_id, VisitSession.status == rules.SCHEDULED,
               VisitSession.taken + seats <= VisitSession.capacity)
        .values(taken=VisitSession.taken + seats)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _release_seats(session_id: int, seats: int) -> None:
    db.session.execute(
        update(VisitSession).where(VisitSession.id == session_id, VisitSession.taken >= seats)
        .values(taken=VisitSession.taken - seats).execution_options(synchronize_session=False))


def _move(booking_id: int, expected: str, values: dict) -> bool:
    """One guarded state change; True only for the request that made it."""
    result = db.session.execute(
        update(Booking).where(Booking.id == booking_id, Booking.status == expected)
        .values(**values).execution_options(synchronize_session=False))
    return result.rowcount == 1


def cancel(booking: Booking, *, actor, now: datetime, by_staff: bool = False) -> list[Booking]:
    """Cancel a live booking; a confirmed one frees its seats, which go to the waitlist at
    once. Returns the bookings promoted. Raises VisitError ("deadline", "already_cancelled")."""
    session = booking.session
    if booking.status not in rules.LIVE:
        raise VisitError("already_cancelled")
    if not rules.may_cancel(now=now, starts_at=session.starts_at, cancel_until=session.cancel_until,
                            is_staff=by_staff):
        raise VisitError("deadline")
    values = {"status": rules.BOOKING_CANCELLED, "active_session_id": None, "cancelled_at": now,
              "cancelled_by_id": actor.id, "sequence": Booking.sequence + 1}
    # Confirmed first: if a promotion is racing us, this waits for it and sees "confirmed".
    if _move(booking.id, rules.CONFIRMED, values):
        _release_seats(session.id, booking.seats)
        roster_changed.send(session.id)  # its attendance marks, if any, no longer count
        promoted = promote(session, now=now)
    elif _move(booking.id, rules.WAITLISTED, values):
        promoted = []
    else:
        raise VisitError("already_cancelled")
    db.session.flush()
    db.session.refresh(booking)
    if by_staff and actor.id != booking.user_id:
        notify.cancelled_by_staff(booking, now=now)
    return promoted


def promote(session: VisitSession, *, now: datetime) -> list[Booking]:
    """Give free seats to the waitlist in order (rules.promotions), each booking once.

    The caller has just written the session's row (freed seats, raised the capacity), so no
    other transaction can change its count until we commit."""
    promoted: list[Booking] = []
    while True:
        db.session.refresh(session)
        free = session.capacity - session.taken
        waiting = db.session.execute(
            select(Booking.id, Booking.seats)
            .where(Booking.session_id == session.id, Booking.status == rules.WAITLISTED)
            .order_by(Booking.id)).all()
        chosen = rules.promotions([(row.id, row.seats) for row in waiting], free)
        if not chosen:
            break
        progressed = False
        seats_of = {row.id: row.seats for row in waiting}
        for booking_id in chosen:
            if not _move(booking_id, rules.WAITLISTED, {"status": rules.CONFIRMED, "confirmed_at": now}):
                continue  # cancelled (or promoted) meanwhile by another request
            if not _claim_seats(session.id, seats_of[booking_id]):
                _move(booking_id, rules.CONFIRMED, {"status": rules.WAITLISTED, "confirmed_at": None})
                continue
            booking = db.session.get(Booking, booking_id)
            db.session.refresh(booking)
            promoted.append(booking)
            progressed = True
        if not progressed:
            break
    for booking in promoted:
        notify.promoted(booking, now=now)
    return promoted


def change_capacity(session: VisitSession, capacity: int, *, now: datetime) -> list[Booking]:
    """Staff change the seats; never below the seats already taken. More seats go to the
    waitlist at once."""
    result = db.session.execute(
        update(VisitSession).where(VisitSession.id == session.id, VisitSession.taken <= capacity)
        .values(capacity=capacity).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise VisitError("capacity_below_taken")
    return promote(session, now=now)


def cancel_session(session: VisitSession, *, actor, now: datetime) -> int:
    """Staff cancel a whole session: every booking and the waitlist are cancelled and told."""
    result = db.session.execute(
        update(VisitSession).where(VisitSession.id == session.id, VisitSession.status == rules.SCHEDULED)
        .values(status=rules.CANCELLED, cancelled_at=now, sequence=VisitSession.sequence + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise VisitError("session_cancelled")
    told = 0
    live = list(db.session.scalars(select(Booking).where(
        Booking.session_id == session.id, Booking.status.in_(rules.LIVE)).order_by(Booking.id)))
    for booking in live:
        if _move(booking.id, booking.status, {
                "status": rules.BOOKING_CANCELLED, "active_session_id": None, "cancelled_at": now,
                "cancelled_by_id": actor.id, "sequence": Booking.sequence + 1}):
            told += 1
    roster_changed.send(session.id)
    db.session.flush()
    db.session.refresh(session)
    for booking in live:
        db.session.refresh(booking)
        notify.session_cancelled(booking, now=now)
    from learnapp.auth.services import audit
    audit(actor, "visit.session.cancel", f"visit_session:{session.id}", f"{told} bookings", now)
    return told


def bookings_of(user) -> list[Booking]:
    """The account's bookings, each with its session and visit (the page names both)."""
    return list(db.session.scalars(
        select(Booking).join(VisitSession, Booking.session_id == VisitSession.id)
        .options(contains_eager(Booking.session).joinedload(VisitSession.visit))
        .where(Booking.user_id == user.id).order_by(VisitSession.starts_at.desc(), Booking.id)))
