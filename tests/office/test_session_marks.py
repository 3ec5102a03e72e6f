"""Each visit session's present/absent counts (office/session_marks.py) stay what the marks say.

- Through the services (a guide's marks for holders and children, corrections, a staff member
  cancelling a marked booking, a whole session cancelled), after each commit the kept counts
  equal the marks counted again, and the dashboard's visits tables equal the hand count
  (tests/office/oracle.py).
- Two guides marking one session at once (real threads and connections; SQLite here, PostgreSQL
  under tests/with-postgres.sh): the counts hold both marks, whichever commits last.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy import select

from learnapp.auth.models import User
from learnapp.db import utcnow
from learnapp.extensions import db as _db
from learnapp.office import queries, rules, session_marks
from learnapp.visits import attendance, booking
from learnapp.visits.models import Booking, VisitSession
from tests.office import oracle
from tests.visits.conftest import make_session, make_visit  # noqa: F401 (fixtures)


def kept() -> dict[int, tuple[int, int]]:
    _db.session.expire_all()
    marks = session_marks.SessionMarks
    return {row.session_id: (row.present, row.absent) for row in _db.session.execute(
        select(marks.session_id, marks.present, marks.absent)) if row.present or row.absent}


def counted() -> dict[int, tuple[int, int]]:
    return {session_id: (present, absent) for session_id, present, absent
            in _db.session.execute(session_marks._counted()) if present or absent}


def assert_kept_as_counted(context) -> None:
    assert kept() == counted(), context
    today = date.today()
    period = rules.parse_period("all", None, today)
    months = rules.months_in(period, today)
    by_month, by_visit = queries.visit_tallies(period, months)
    expected = oracle.visits(period, months)
    numbers = lambda t: (t.sessions, t.capacity, t.taken, t.waitlisted, t.attended, t.no_show)  # noqa: E731
    assert {t.key: numbers(t) for t in by_visit} == expected["visit"], context


def test_counts_follow_marks_corrections_and_cancellations(app, db, make_user, make_session, make_visit):  # noqa: F811
    now = utcnow()
    guide, other_guide, staff = make_user("guide"), make_user("guide"), make_user("staff")
    started = [make_session(visit=make_visit(guide=who, now=now - timedelta(days=2)), now=now - timedelta(days=1),
                            starts_in=timedelta(days=1, minutes=-10)) for who in (guide, other_guide)]
    people = [make_user() for _ in range(3)]
    held = [booking.book(people[0], started[0], now=now - timedelta(days=1), seats=3,
                         children=["Zoé", "Léo"]).booking,
            booking.book(people[1], started[0], now=now - timedelta(days=1)).booking,
            booking.book(people[2], started[1], now=now - timedelta(days=1)).booking]
    db.session.commit()

    steps = [
        ("holder present", lambda: attendance.mark(started[0], held[0], 0, True, actor=guide, now=utcnow())),
        ("a child absent", lambda: attendance.mark(started[0], held[0], 1, False, actor=guide, now=utcnow())),
        ("a child present", lambda: attendance.mark(started[0], held[0], 2, True, actor=guide, now=utcnow())),
        ("another holder absent", lambda: attendance.mark(started[0], held[1], 0, False, actor=guide, now=utcnow())),
        ("the same mark again", lambda: attendance.mark(started[0], held[1], 0, False, actor=guide, now=utcnow())),
        ("corrected", lambda: attendance.mark(started[0], held[1], 0, True, actor=staff, now=utcnow(),
                                              correcting=True)),
        ("the other session", lambda: attendance.mark(started[1], held[2], 0, True, actor=other_guide,
                                                      now=utcnow())),
        ("a marked booking cancelled", lambda: booking.cancel(held[0], actor=staff, now=utcnow(), by_staff=True)),
        ("a whole session cancelled", lambda: booking.cancel_session(started[1], actor=staff, now=utcnow())),
    ]
    seen = []
    for name, step in steps:
        step()
        db.session.commit()
        assert_kept_as_counted(name)
        seen.append(dict(kept()))
    # The steps did move the counts (a test that kept nothing would pass the comparisons above
    # only if counting found nothing too).
    assert seen[2] == {started[0].id: (2, 1)}
    assert seen[5] == {started[0].id: (3, 1)}
    assert seen[7] == {started[0].id: (1, 0), started[1].id: (1, 0)}


def test_two_guides_marking_one_session_at_once_are_both_counted(app, db, make_user, make_session,  # noqa: F811
                                                                 make_visit):  # noqa: F811
    now = utcnow()
    guide, other_guide = make_user("guide"), make_user("guide")
    session = make_session(visit=make_visit(guide=guide, now=now - timedelta(days=2)),
                           now=now - timedelta(days=1), starts_in=timedelta(days=1, minutes=-10))
    first, second, earlier = (booking.book(make_user(), session, now=now - timedelta(days=1)).booking
                              for _ in range(3))
    db.session.commit()
    attendance.mark(session, earlier, 0, True, actor=guide, now=now)
    db.session.commit()  # the session's kept row exists: the race is over updating it
    ids = {"session": session.id, "first": first.id, "second": second.id, "guide": guide.id,
           "other": other_guide.id}
    counted_once, release, errors = threading.Event(), threading.Event(), []

    def mark(booking_key, guide_key, hold: bool):
        with app.app_context():
            try:
                visit_session = _db.session.get(VisitSession, ids["session"])
                attendance.mark(visit_session, _db.session.get(Booking, ids[booking_key]), 0, True,
                                actor=_db.session.get(User, ids[guide_key]), now=utcnow(), correcting=True)
                if hold:  # counted (what the commit does first), then held open
                    session_marks.keep_noted(_db.session())
                    counted_once.set()
                    release.wait(10)
                _db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
                counted_once.set()
            finally:
                _db.session.remove()

    first_thread = threading.Thread(target=mark, args=("first", "guide", True))
    first_thread.start()
    assert counted_once.wait(10)
    second_thread = threading.Thread(target=mark, args=("second", "other", False))
    second_thread.start()
    second_thread.join(0.5)  # it waits for the first (the kept row's lock, or SQLite's writer lock)
    release.set()
    first_thread.join(10)
    second_thread.join(10)
    assert errors == []
    assert kept() == counted() == {ids["session"]: (3, 0)}


def test_the_rebuild_command_recounts_rows_written_outside_the_services(runner, db, make_user, make_session,  # noqa: F811
                                                                       make_visit):  # noqa: F811
    now = utcnow()
    guide = make_user("guide")
    session = make_session(visit=make_visit(guide=guide, now=now - timedelta(days=2)),
                           now=now - timedelta(days=1), starts_in=timedelta(days=1, minutes=-10))
    held = booking.book(make_user(), session, now=now - timedelta(days=1)).booking
    db.session.commit()
    attendance.mark(session, held, 0, False, actor=guide, now=now)
    db.session.commit()
    db.session.execute(db.delete(session_marks.SessionMarks))  # as an import written by hand would leave it
    db.session.commit()
    assert kept() == {}
    result = runner.invoke(args=["office", "rebuild-counts"])
    assert result.exit_code == 0, result.output
    assert "présences : 1 séance(s)" in result.output
    assert kept() == counted() == {session.id: (0, 1)}
    english = runner.invoke(args=["office", "rebuild-counts"], env={"LEARNAPP_LANG": "en"})
    assert "attendance: 1 session(s)" in english.output, english.output
