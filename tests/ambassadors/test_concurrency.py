"""Two signals at once give one upgrade, and news landing together is never lost: real threads,
each with its own connection, on SQLite here and on PostgreSQL under tests/with-postgres.sh."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from learnapp.ambassadors.models import LevelChange
from learnapp.ambassadors.standing import standing_of
from learnapp.auth.models import User
from learnapp.certificates import services as certificates
from learnapp.certificates.models import Achievement
from learnapp.core.transactions import commit_with_retry
from learnapp.db import utcnow
from learnapp.mail.models import OutboxMessage
from learnapp.visits import attendance, booking
from learnapp.visits.models import Booking, VisitSession


def _at_once(app, db, works):
    """Run each work in its own thread and app context (its own session), all released together."""
    barrier = threading.Barrier(len(works))
    errors = []

    def run(work):
        with app.app_context():
            try:
                barrier.wait()
                commit_with_retry(work)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def _booked_session(db, make_user, make_session, make_visit, user, *, starts_in_minutes=-10):
    """A short session whose roster is open (it starts within the hour or began a moment ago)."""
    guide = make_user("guide")
    now = utcnow()
    session = make_session(visit=make_visit(guide=guide, now=now - timedelta(days=2)), minutes=5,
                           now=now - timedelta(days=1), starts_in=timedelta(days=1, minutes=starts_in_minutes))
    held = booking.book(user, session, now=now - timedelta(days=1)).booking
    db.session.commit()
    return guide.id, session.id, held.id


def _mark(db, user_id, guide_id, session_id, booking_id):
    def work():
        session = db.session.get(VisitSession, session_id)
        return attendance.mark(session, db.session.get(Booking, booking_id), 0, True,
                               actor=db.session.get(User, guide_id), now=utcnow())
    return work


def _changes(db, user_id) -> int:
    return db.session.scalar(select(func.count()).select_from(LevelChange).where(LevelChange.user_id == user_id))


def test_two_visits_marked_at_once_give_one_upgrade(app, db, ambassador, give, make_user, make_session, make_visit,
                                                    now):
    user = ambassador()
    give(user, 1, now)
    give(user, 2, now)  # level 2 now needs only one visit
    first = _booked_session(db, make_user, make_session, make_visit, user)
    second = _booked_session(db, make_user, make_session, make_visit, user, starts_in_minutes=30)
    user_id, email = user.id, user.email
    _at_once(app, db, [_mark(db, user_id, *first), _mark(db, user_id, *second)])
    db.session.expire_all()
    assert standing_of(db.session, db.session.get(User, user_id), utcnow()).level_rank == 2
    assert _changes(db, user_id) == 2  # level 1 (the certificate), then level 2 once
    mails = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.recipient == email, OutboxMessage.subject.like("%Ambassadeur confirmé%")))
    assert mails == 1


def test_a_certificate_and_a_visit_landing_together_still_raise_the_level(app, db, ambassador, give, settings,
                                                                         make_user, make_session, make_visit, now):
    user = ambassador()
    give(user, 1, now)  # level 1; level 2 needs tier 2 AND a visit, arriving at the same moment
    visit = _booked_session(db, make_user, make_session, make_visit, user)
    user_id = user.id
    achievement_id = certificates.achievement_for("granville-terre-et-mer", 2).id

    def issue():
        return certificates.issue(db.session.get(User, user_id), db.session.get(Achievement, achievement_id),
                                  utcnow(), settings)

    _at_once(app, db, [issue, _mark(db, user_id, *visit)])
    db.session.expire_all()
    assert standing_of(db.session, db.session.get(User, user_id), utcnow()).level_code == "ambassadeur-confirme"
    assert _changes(db, user_id) == 2
