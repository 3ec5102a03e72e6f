"""The guide's roster: who came. ``visit_attended`` goes out once per person and session.

The roster lists every confirmed booking and, inside it, each person: the booker (person 0)
and the children they brought (1, 2 …). Only the booker has an account, so only the booker's
attendance sends ``visit_attended`` (sender: the attendance record; kwargs: user, visit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from learnapp.auth.models import User
from learnapp.auth.services import audit
from learnapp.core.signals import activity_changed, roster_changed, visit_attended
from learnapp.extensions import db
from learnapp.visits import rules
from learnapp.visits.errors import VisitError
from learnapp.visits.models import Attendance, Booking, Visit, VisitSession

# The roster opens an hour before the start: the guide marks people as they arrive.
ROSTER_OPENS_BEFORE = timedelta(hours=1)


@dataclass
class RosterLine:
    booking: Booking
    person: int
    name: str
    mark: Attendance | None

    @property
    def key(self) -> str:
        return f"{self.booking.id}-{self.person}"

    @property
    def state(self) -> str:
        if self.mark is None:
            return "unmarked"
        return "attended" if self.mark.attended else "no_show"


def roster(session: VisitSession, *, search: str = "") -> list[RosterLine]:
    rows = db.session.execute(
        select(Booking, User).join(User, Booking.user_id == User.id)
        .where(Booking.session_id == session.id, Booking.status == rules.CONFIRMED)
        .order_by(func.lower(User.display_name), Booking.id)).all()
    marks = {(m.booking_id, m.person): m for m in db.session.scalars(
        select(Attendance).join(Booking, Attendance.booking_id == Booking.id)
        .where(Booking.session_id == session.id))}
    lines = []
    wanted = search.strip().lower().lstrip("#")
    for booking, user in rows:
        names = [user.display_name, *booking.children]
        for person, name in enumerate(names):
            if wanted and not (wanted == str(booking.id) or wanted in name.lower()):
                continue
            lines.append(RosterLine(booking, person, name, marks.get((booking.id, person))))
    return lines


def marking_refusal(session: VisitSession, *, now: datetime, correcting: bool) -> str | None:
    if session.status == rules.CANCELLED:
        return "session_cancelled"
    if now < session.starts_at - ROSTER_OPENS_BEFORE:
        return "roster_not_open"
    if session.roster_closed_at is not None and not correcting:
        return "roster_closed"
    return None


def mark(session: VisitSession, booking: Booking, person: int, attended: bool, *, actor,
         now: datetime, correcting: bool = False) -> Attendance:
    """Record one person as attended or no-show. ``correcting``: staff changing the record
    (after the roster is closed, or someone else's mark): audited."""
    if booking.session_id != session.id or booking.status != rules.CONFIRMED:
        raise VisitError("not_on_roster")
    if not 0 <= person <= len(booking.children):
        raise VisitError("not_on_roster")
    code = marking_refusal(session, now=now, correcting=correcting)
    if code:
        raise VisitError(code)
    record = db.session.scalar(select(Attendance).where(
        Attendance.booking_id == booking.id, Attendance.person == person))
    before = None if record is None else record.attended
    if record is None:
        record = Attendance(booking_id=booking.id, person=person, attended=attended,
                            marked_at=now, marked_by_id=actor.id)
        db.session.add(record)
    else:
        record.attended, record.marked_at, record.marked_by_id = attended, now, actor.id
    db.session.flush()
    if correcting and before != attended:
        audit(actor, "visit.attendance.correct", f"visit_booking:{booking.id}",
              f"person {person}: {_word(before)} -> {_word(attended)}", now)
    if before != attended:
        roster_changed.send(session.id)
    if person == 0 and before != attended:
        activity_changed.send(booking.user_id)  # the holder attended, or no longer did
    if attended and person == 0:
        _signal_once(record, booking, session, now)
    return record


def _word(value: bool | None) -> str:
    return {None: "unmarked", True: "attended", False: "no-show"}[value]


def _signal_once(record: Attendance, booking: Booking, session: VisitSession, now: datetime) -> None:
    """Only the request whose guarded update stamps ``signalled_at`` sends the signal: a
    second tap, an edit after a no-show, a staff correction never send it again."""
    result = db.session.execute(
        update(Attendance).where(Attendance.id == record.id, Attendance.signalled_at.is_(None))
        .values(signalled_at=now).execution_options(synchronize_session=False))
    if result.rowcount == 1:
        db.session.refresh(record)
        visit_attended.send(record, user=db.session.get(User, booking.user_id),
                            visit=db.session.get(Visit, session.visit_id))


def close_roster(session: VisitSession, *, actor, now: datetime) -> bool:
    if now < session.starts_at:
        raise VisitError("roster_too_early")
    result = db.session.execute(
        update(VisitSession).where(VisitSession.id == session.id, VisitSession.roster_closed_at.is_(None))
        .values(roster_closed_at=now).execution_options(synchronize_session=False))
    db.session.refresh(session)
    return result.rowcount == 1


@dataclass(frozen=True)
class Tally:
    expected: int
    attended: int
    no_show: int


def tallies(session_ids: list[int]) -> dict[int, Tally]:
    """Per session: people expected (confirmed seats), attended, no-shows — in SQL."""
    if not session_ids:
        return {}
    expected = dict(db.session.execute(
        select(Booking.session_id, func.sum(Booking.seats))
        .where(Booking.session_id.in_(session_ids), Booking.status == rules.CONFIRMED)
        .group_by(Booking.session_id)).all())
    marks = db.session.execute(
        select(Booking.session_id, Attendance.attended, func.count())
        .join(Booking, Attendance.booking_id == Booking.id)
        .where(Booking.session_id.in_(session_ids), Booking.status == rules.CONFIRMED)
        .group_by(Booking.session_id, Attendance.attended)).all()
    counts: dict[int, dict[bool, int]] = {}
    for session_id, attended, count in marks:
        counts.setdefault(session_id, {})[bool(attended)] = count
    return {sid: Tally(int(expected.get(sid) or 0), counts.get(sid, {}).get(True, 0),
                       counts.get(sid, {}).get(False, 0)) for sid in session_ids}


def attended_visits(user) -> list[tuple[Visit, VisitSession]]:
    """The learner's record: the sessions they were marked present at."""
    return list(db.session.execute(
        select(Visit, VisitSession).join(VisitSession, VisitSession.visit_id == Visit.id)
        .join(Booking, Booking.session_id == VisitSession.id)
        .join(Attendance, Attendance.booking_id == Booking.id)
        .where(Booking.user_id == user.id, Attendance.person == 0, Attendance.attended.is_(True))
        .order_by(VisitSession.starts_at.desc())).all())
