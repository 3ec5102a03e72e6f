"""Booking, cancelling, the waitlist, staff cancellations: services against a real database."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learnapp.auth.models import AuditEntry
from learnapp.db import utcnow
from learnapp.mail.models import OutboxMessage
from learnapp.visits import booking, reminders, rules
from learnapp.visits.errors import VisitError
from learnapp.visits.models import Booking


def outbox(db, recipient=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return db.session.scalars(query).all()


def test_booking_takes_a_seat_and_sends_a_confirmation(db, make_user, make_session):
    session = make_session(capacity=2)
    learner = make_user()
    result = booking.book(learner, session, now=utcnow())
    db.session.commit()
    assert result.confirmed and result.place is None
    assert session.taken == 1
    [message] = outbox(db, learner.email)
    assert "Réservation confirmée" in message.subject
    assert f"n° {result.booking.id}" in message.body or str(result.booking.id) in message.body


def test_a_full_session_puts_people_on_the_waitlist_in_order(db, make_user, make_session):
    session = make_session(capacity=1)
    first, second, third = make_user(), make_user(), make_user()
    assert booking.book(first, session, now=utcnow()).confirmed
    r2 = booking.book(second, session, now=utcnow())
    r3 = booking.book(third, session, now=utcnow())
    db.session.commit()
    assert (r2.confirmed, r2.place, r3.place) == (False, 2 - 1, 2)
    assert session.taken == 1
    assert "Liste d'attente" in outbox(db, second.email)[0].subject


def test_cancelling_promotes_the_first_in_line_exactly_once(db, make_user, make_session):
    session = make_session(capacity=1)
    first, second, third = make_user(), make_user(), make_user()
    held = booking.book(first, session, now=utcnow()).booking
    waiting2 = booking.book(second, session, now=utcnow()).booking
    waiting3 = booking.book(third, session, now=utcnow()).booking
    db.session.commit()
    promoted = booking.cancel(held, actor=first, now=utcnow())
    db.session.commit()
    assert [b.id for b in promoted] == [waiting2.id]
    db.session.refresh(waiting2), db.session.refresh(waiting3), db.session.refresh(session)
    assert (waiting2.status, waiting3.status, session.taken) == ("confirmed", "waitlisted", 1)
    assert booking.waitlist_place(waiting3) == 1
    assert any("Une place s'est libérée" in m.subject for m in outbox(db, second.email))
    # A second cancellation of the same booking frees nothing more.
    with pytest.raises(VisitError) as error:
        booking.cancel(held, actor=first, now=utcnow())
    assert error.value.code == "already_cancelled"
    db.session.refresh(session)
    assert session.taken == 1


def test_a_group_that_does_not_fit_keeps_its_place_and_a_smaller_one_goes_ahead(db, make_user, make_session):
    session = make_session(capacity=2)
    a, b = make_user(), make_user()
    family, single = make_user(), make_user()
    held_a = booking.book(a, session, now=utcnow()).booking
    booking.book(b, session, now=utcnow())
    waiting_family = booking.book(family, session, now=utcnow(), seats=3, children=["Lou", "Tom"]).booking
    waiting_single = booking.book(single, session, now=utcnow()).booking
    db.session.commit()
    promoted = booking.cancel(held_a, actor=a, now=utcnow())
    db.session.commit()
    assert [p.id for p in promoted] == [waiting_single.id]
    db.session.refresh(waiting_family)
    assert waiting_family.status == "waitlisted" and booking.waitlist_place(waiting_family) == 1
    # More seats: the family, first in line, is promoted as soon as it fits.
    promoted = booking.change_capacity(session, 5, now=utcnow())
    db.session.commit()
    assert [p.id for p in promoted] == [waiting_family.id]
    db.session.refresh(session)
    assert session.taken == 5


def test_cancelling_a_waitlisted_request_frees_no_seat(db, make_user, make_session):
    session = make_session(capacity=1)
    first, second = make_user(), make_user()
    booking.book(first, session, now=utcnow())
    waiting = booking.book(second, session, now=utcnow()).booking
    db.session.commit()
    assert booking.cancel(waiting, actor=second, now=utcnow()) == []
    db.session.commit()
    db.session.refresh(session)
    assert session.taken == 1


def test_nobody_holds_two_bookings_at_the_same_time(db, make_user, make_session, make_visit):
    learner = make_user()
    now = utcnow()
    morning = make_session(starts_in=timedelta(days=5), minutes=120)
    clash = make_session(starts_in=timedelta(days=5, hours=1))
    after = make_session(starts_in=timedelta(days=5, hours=2))
    booking.book(learner, morning, now=now)
    with pytest.raises(VisitError) as error:
        booking.book(learner, clash, now=now)
    assert error.value.code == "overlap"
    assert booking.book(learner, after, now=now).confirmed
    with pytest.raises(VisitError) as error:
        booking.book(learner, morning, now=now)
    assert error.value.code == "already_booked"


def test_after_the_deadline_only_staff_cancel_and_the_learner_is_told(db, make_user, make_session):
    session = make_session(starts_in=timedelta(hours=10))
    learner, staff = make_user(), make_user("staff")
    held = booking.book(learner, session, now=utcnow()).booking
    db.session.commit()
    with pytest.raises(VisitError) as error:
        booking.cancel(held, actor=learner, now=utcnow())
    assert error.value.code == "deadline"
    booking.cancel(held, actor=staff, now=utcnow(), by_staff=True)
    db.session.commit()
    assert "annulée" in outbox(db, learner.email)[-1].subject


def test_refusals_change_nothing(db, make_user, make_session):
    session = make_session(capacity=3)
    child = make_user(age_group="child", email="kid@example.org")
    adult = make_user()
    for user, kwargs, code in [
        (child, {}, "audience"),
        (adult, {"seats": 0}, "seats_invalid"),
        (adult, {"seats": 9}, "seats_limit"),
        (adult, {"seats": 2}, "children_names"),
        (adult, {"now": session.starts_at + timedelta(minutes=1)}, "past"),
    ]:
        with pytest.raises(VisitError) as error:
            booking.book(user, session, **{"now": utcnow(), **kwargs})
        assert error.value.code == code
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0
    db.session.refresh(session)
    assert session.taken == 0


def test_cancelling_a_session_tells_everyone_and_clears_the_waitlist(db, make_user, make_session):
    session = make_session(capacity=1)
    staff, first, second = make_user("staff"), make_user(), make_user()
    booking.book(first, session, now=utcnow())
    booking.book(second, session, now=utcnow())
    db.session.commit()
    assert booking.cancel_session(session, actor=staff, now=utcnow()) == 2
    db.session.commit()
    statuses = db.session.scalars(select(Booking.status)).all()
    assert statuses == ["cancelled", "cancelled"]
    assert session.status == rules.CANCELLED and session.sequence == 1
    for person in (first, second):
        assert "Visite annulée" in outbox(db, person.email)[-1].subject
    assert "visit.session.cancel" in db.session.scalars(select(AuditEntry.action)).all()
    with pytest.raises(VisitError) as error:
        booking.book(make_user(), session, now=utcnow())
    assert error.value.code == "cancelled"


def test_reminders_are_sent_once_the_day_before(db, make_user, make_session):
    tomorrow = make_session(starts_in=timedelta(hours=20))
    later = make_session(starts_in=timedelta(days=4))
    learner, other = make_user(), make_user()
    booking.book(learner, tomorrow, now=utcnow())
    booking.book(other, later, now=utcnow())
    db.session.commit()
    assert reminders.send_reminders(now=utcnow()) == 1
    db.session.commit()
    assert reminders.send_reminders(now=utcnow()) == 0
    assert [m.subject for m in outbox(db, learner.email)][-1].startswith("Rappel")
    assert not any(m.subject.startswith("Rappel") for m in outbox(db, other.email))


def test_mail_speaks_the_recipients_language(db, make_user, make_session):
    session = make_session(capacity=1)
    first, second = make_user(), make_user()
    second.locale = "en"
    db.session.commit()
    held = booking.book(first, session, now=utcnow()).booking
    booking.book(second, session, now=utcnow())
    booking.cancel(held, actor=first, now=utcnow())
    db.session.commit()
    subjects = [m.subject for m in outbox(db, second.email)]
    assert subjects[-1].startswith("A seat")
