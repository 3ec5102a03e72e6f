"""Calendars, parsed back with icalendar: DST-correct local times, stable UIDs, SEQUENCE,
STATUS:CANCELLED; the personal feed behind a secret, revocable address."""

import re
from datetime import UTC, datetime

from icalendar import Calendar
from sqlalchemy import select

from learnapp.db import utcnow
from learnapp.visits import booking, programme, rules
from learnapp.visits.models import Booking


def events(body: bytes):
    calendar = Calendar.from_ical(body)
    return calendar, [c for c in calendar.walk("VEVENT")]


def test_a_booking_ics_keeps_local_time_across_the_dst_change(client, db, login, make_user, make_visit):
    # Weekly at 14:00 Granville time, either side of the last Sunday of October 2027.
    visit = make_visit()
    starts = [datetime(2027, 10, 24, 14, 0), datetime(2027, 10, 31, 14, 0)]
    plans = programme.plans_from_local(starts, duration_minutes=90, capacity=5, guide_id=None)
    summer, winter = programme.add_sessions(visit, plans, now=utcnow())
    assert (summer.starts_at.hour, winter.starts_at.hour) == (12, 13)  # UTC
    learner = make_user()
    held = [booking.book(learner, s, now=utcnow()).booking for s in (summer, winter)]
    db.session.commit()
    login(learner)
    for item in held:
        response = client.get(f"/visits/bookings/{item.id}.ics")
        assert response.status_code == 200 and response.mimetype == "text/calendar"
        calendar, [event] = events(response.get_data())
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
        start = event.decoded("DTSTART")
        assert (start.hour, start.minute, str(start.tzinfo)) == (14, 0, "Europe/Paris")
        assert event["DTSTART"].params["TZID"] == "Europe/Paris"
        assert event.decoded("DTEND").hour == 15
        assert str(event["UID"]) == f"visit-booking-{item.id}@localhost"
        assert str(event["STATUS"]) == "CONFIRMED"
    assert "DTSTART;TZID=Europe/Paris:20271024T140000" in client.get(
        f"/visits/bookings/{held[0].id}.ics").get_data(as_text=True)


def test_the_feed_lists_confirmed_bookings_and_marks_cancellations(client, db, login, make_user, make_session):
    learner, staff = make_user(), make_user("staff")
    kept, dropped = make_session(), make_session(starts_in=rules.DEFAULT_CANCEL_NOTICE * 10)
    waiting_session = make_session(capacity=1, starts_in=rules.DEFAULT_CANCEL_NOTICE * 20)
    booking.book(make_user(), waiting_session, now=utcnow())
    booking.book(learner, kept, now=utcnow())
    booking.book(learner, dropped, now=utcnow())
    booking.book(learner, waiting_session, now=utcnow())  # waitlisted: not in the calendar
    db.session.commit()
    login(learner)
    page = client.post("/visits/calendar/new").get_data(as_text=True)
    url = re.search(r"http://localhost(/visits/calendar/[^<\s]+\.ics)", page).group(1)
    client.post("/logout")

    calendar, found = events(client.get(url).get_data())
    assert sorted(str(e["SUMMARY"]) for e in found) == sorted([kept.visit.title, dropped.visit.title])
    uids = {str(e["UID"]) for e in found}

    booking.cancel_session(dropped, actor=staff, now=utcnow())
    db.session.commit()
    _calendar, found = events(client.get(url).get_data())
    assert {str(e["UID"]) for e in found} == uids  # stable UIDs
    cancelled = next(e for e in found if str(e["SUMMARY"]) == dropped.visit.title)
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 2


def test_a_forged_or_revoked_token_is_refused(client, db, login, make_user):
    learner = make_user()
    login(learner)
    page = client.post("/visits/calendar/new").get_data(as_text=True)
    url = re.search(r"http://localhost(/visits/calendar/[^<\s]+\.ics)", page).group(1)
    assert client.get(url).status_code == 200
    assert client.get("/visits/calendar/forged-token.ics").status_code == 404
    # A new address replaces the old one; revoking stops the new one too.
    page = client.post("/visits/calendar/new").get_data(as_text=True)
    second = re.search(r"http://localhost(/visits/calendar/[^<\s]+\.ics)", page).group(1)
    assert client.get(url).status_code == 404 and client.get(second).status_code == 200
    client.post("/visits/calendar/revoke")
    response = client.get(second)
    assert response.status_code == 404 and "révoquée" in response.get_data(as_text=True)


def test_the_sequence_rises_when_a_session_moves(db, make_user, make_session):
    from learnapp.visits import calendars

    session = make_session()
    held = booking.book(make_user(), session, now=utcnow()).booking
    db.session.commit()
    before = calendars.event_for(held, session, session.visit, base_url="http://x", session_url="http://x/s",
                                 now=datetime(2026, 1, 1, tzinfo=UTC))
    session.sequence += 1
    after = calendars.event_for(held, session, session.visit, base_url="http://x", session_url="http://x/s",
                                now=datetime(2026, 1, 1, tzinfo=UTC))
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert db.session.scalar(select(Booking.id)) == held.id
