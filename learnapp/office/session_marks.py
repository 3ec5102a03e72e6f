"""People marked present and absent per visit session, kept as the marks change.

The visits' tables add up the marks of every confirmed booking of the period's sessions: for
"everything" at 500,000 attempts that is ~92,000 attendance rows, the one part of the page
still growing with the data. Here each session's counts are one row, recomputed from that
session's own marks (a few dozen rows) at the commit of a transaction that sent
``roster_changed`` (core/signals.py: a mark set or corrected, a confirmed booking cancelled),
like the funnel's people (office/milestones.py ``keep_noted``). Recomputing rather than adding
keeps corrections and cancellations right. Two guides marking one session at once: on
PostgreSQL each recount first locks the session's kept row, so the later one counts after the
earlier committed and sees its mark (SQLite has one writer at a time).

:func:`rebuild` recomputes every session (the migration, ``learnapp office rebuild-counts``, the
demo and the benchmark, after rows were written outside the services).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, case, delete, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from learnapp.db import dialect_insert, dialect_name
from learnapp.extensions import db
from learnapp.visits.models import Attendance, Booking
from learnapp.visits.rules import CONFIRMED

SESSIONS_NOTED = "learnapp.office.rosters"


class SessionMarks(db.Model):
    """People (holders and children) of a session's confirmed bookings marked present / absent."""

    __tablename__ = "office_session_marks"

    session_id: Mapped[int] = mapped_column(ForeignKey("visit_session.id", ondelete="CASCADE"), primary_key=True,
                                            autoincrement=False)
    present: Mapped[int] = mapped_column(Integer)
    absent: Mapped[int] = mapped_column(Integer)


def note_session(session, session_id: int | None) -> None:
    if session_id is not None:
        session.info.setdefault(SESSIONS_NOTED, set()).add(session_id)


def _counted(session_ids=None):
    """(session id, present, absent) from the marks of confirmed bookings."""
    query = (select(Booking.session_id, func.sum(case((Attendance.attended.is_(True), 1), else_=0)),
                    func.sum(case((Attendance.attended.is_(False), 1), else_=0)))
             .join(Attendance, Attendance.booking_id == Booking.id)
             .where(Booking.status == CONFIRMED).group_by(Booking.session_id))
    if session_ids is not None:
        query = query.where(Booking.session_id.in_(session_ids))
    return query


def keep_noted(session) -> None:
    """At the commit (office/receivers.py): recount the sessions noted in this transaction."""
    noted = sorted(session.info.pop(SESSIONS_NOTED, set()))
    if not noted:
        return
    if dialect_name(session) == "postgresql":
        # Hold the sessions' rows (created if need be) until the commit: a recount of the same
        # session by another transaction waits here, then counts after this one committed.
        session.execute(dialect_insert(session, SessionMarks)
                        .on_conflict_do_nothing(index_elements=["session_id"]),
                        [{"session_id": session_id, "present": 0, "absent": 0} for session_id in noted])
        session.execute(select(SessionMarks.session_id).where(SessionMarks.session_id.in_(noted))
                        .order_by(SessionMarks.session_id).with_for_update())
    counted = {session_id: (present, absent) for session_id, present, absent in session.execute(_counted(noted))}
    for session_id in noted:  # one order: no wait cycle between two recounts
        present, absent = counted.get(session_id, (0, 0))
        statement = dialect_insert(session, SessionMarks).values(session_id=session_id, present=present,
                                                                 absent=absent)
        session.execute(statement.on_conflict_do_update(index_elements=["session_id"],
                                                        set_={"present": present, "absent": absent}))


def forget_notes(session) -> None:
    session.info.pop(SESSIONS_NOTED, None)


def rebuild(conn=None) -> int:
    """Recount every session from the marks; returns the sessions with a mark. The caller commits."""
    conn = conn or db.session
    conn.execute(delete(SessionMarks))
    conn.execute(insert(SessionMarks).from_select(["session_id", "present", "absent"], _counted()))
    return conn.scalar(select(func.count()).select_from(SessionMarks)) or 0
