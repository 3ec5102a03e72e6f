"""Calendars: one ``.ics`` per booking and a personal feed behind a secret, revocable address.

Built with the ``icalendar`` library (RFC 5545): local times in Europe/Paris with its
VTIMEZONE, so a calendar shows 14:00 on both sides of a DST change; one stable UID per
booking; SEQUENCE grows with every change; a cancelled booking or session is STATUS:CANCELLED.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event
from sqlalchemy import delete, or_, select

from learnapp.extensions import db
from learnapp.visits import rules
from learnapp.visits.models import Booking, CalendarFeed, Visit, VisitSession

PRODID = "-//Office de tourisme//Ambassadeurs du territoire//FR"
# A feed keeps a cancellation this long, so subscribed calendars learn of it.
CANCELLED_KEPT = timedelta(days=60)


def uid(booking: Booking, base_url: str) -> str:
    host = urlsplit(base_url).hostname or "learnapp"
    return f"visit-booking-{booking.id}@{host}"


def event_for(booking: Booking, session: VisitSession, visit: Visit, *, base_url: str,
              session_url: str, now: datetime) -> Event:
    cancelled = booking.status == rules.BOOKING_CANCELLED or session.status == rules.CANCELLED
    event = Event()
    event.add("uid", uid(booking, base_url))
    event.add("dtstamp", now)
    event.add("sequence", session.sequence + booking.sequence)
    event.add("summary", visit.title)
    event.add("dtstart", rules.local(session.starts_at))
    event.add("dtend", rules.local(session.ends_at))
    if visit.meeting_point:
        event.add("location", visit.meeting_point)
    event.add("url", session_url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar(events: Iterable[Event], *, name: str | None = None) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event)
    # The VTIMEZONE for Europe/Paris, with the DST rules around the events' dates.
    cal.add_missing_timezones(first_date=date(2020, 1, 1), last_date=date(2040, 1, 1))
    return cal.to_ical()


def feed_bookings(user_id: int, *, now: datetime) -> list[tuple[Booking, VisitSession, Visit]]:
    """Confirmed bookings, plus recent cancellations (so calendars remove them)."""
    return list(db.session.execute(
        select(Booking, VisitSession, Visit)
        .join(VisitSession, Booking.session_id == VisitSession.id)
        .join(Visit, VisitSession.visit_id == Visit.id)
        .where(Booking.user_id == user_id,
               or_(Booking.status == rules.CONFIRMED,
                   Booking.cancelled_at >= now - CANCELLED_KEPT))
        .where(Booking.status != rules.WAITLISTED)
        .order_by(VisitSession.starts_at)).all())


# The secret address ---------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(user, *, now: datetime) -> str:
    """A new address; any previous one stops working at once. The token is shown once."""
    token = secrets.token_urlsafe(32)
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    db.session.add(CalendarFeed(user_id=user.id, token_hash=_hash(token), created_at=now))
    db.session.flush()
    return token


def revoke_feed(user) -> bool:
    result = db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    return result.rowcount > 0


def feed_of(user) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def user_id_for_token(token: str) -> int | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(CalendarFeed.user_id).where(CalendarFeed.token_hash == _hash(token)))
