"""What a session's public page reads, in one query: the session, its visit and cover, the
waitlist's length and the reader's own booking with its waitlist place.

The page's fixed text (``SessionDetails``) is rendered once per distinct value and language
(``visits/session.html``); the live numbers (``SessionView``) come from this query on every
request, so a booking or a cancellation shows at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased

from learnapp.extensions import db
from learnapp.media.models import MediaAsset
from learnapp.media.services import url_path
from learnapp.visits import rules
from learnapp.visits.models import Booking, Visit, VisitSession


@dataclass(frozen=True)
class SessionDetails:
    """Everything the page's fixed parts show, and nothing else: it is their cache key, so a
    changed visit text, time or status is a new key (no stamp to forget to bump). Hashable."""

    session_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    status: str
    closes_at: datetime
    cancel_deadline: datetime
    meeting_point: str
    map_url: str
    audiences: tuple[str, ...]
    school_groups: bool
    language: str
    accessibility: str
    description_html: str
    cover_url: str | None
    cover_alt: str


@dataclass(frozen=True)
class OwnBooking:
    id: int
    status: str
    seats: int
    place: int | None  # on the waitlist, 1 for the first in line


@dataclass(frozen=True)
class SessionView:
    details: SessionDetails
    facts: rules.SessionFacts
    capacity: int
    taken: int
    waiting: int
    mine: OwnBooking | None

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.taken)


@cache
def _page_query():
    """Built once per process (building a statement of this size costs more than running it);
    the session and the reader are bound parameters (no reader: NULL, which matches no row)."""
    mine = aliased(Booking, name="mine")
    ahead = aliased(Booking, name="ahead")
    waiting = (select(func.count()).select_from(Booking)
               .where(Booking.session_id == VisitSession.id, Booking.status == rules.WAITLISTED)
               .correlate(VisitSession).scalar_subquery())
    # Bookings waiting before the reader's own (counted on the (session, status, id) index).
    before_mine = (select(func.count()).select_from(ahead)
                   .where(ahead.session_id == VisitSession.id, ahead.status == rules.WAITLISTED,
                          ahead.id < mine.id)
                   .correlate(VisitSession, mine).scalar_subquery())
    return (select(VisitSession.id, VisitSession.starts_at, VisitSession.ends_at, VisitSession.status,
                   VisitSession.capacity, VisitSession.taken, VisitSession.booking_opens_at,
                   VisitSession.booking_closes_at, VisitSession.cancel_until,
                   Visit.title, Visit.meeting_point, Visit.map_url, Visit.audiences, Visit.school_groups,
                   Visit.language, Visit.accessibility, Visit.description_html, Visit.cover_alt,
                   MediaAsset.sha256, MediaAsset.mime_type, waiting,
                   mine.id, mine.status, mine.seats, before_mine)
            .join(Visit, VisitSession.visit_id == Visit.id)
            .outerjoin(MediaAsset, MediaAsset.id == Visit.cover_asset_id)
            .outerjoin(mine, (mine.active_session_id == VisitSession.id)
                       & (mine.user_id == bindparam("user_id", type_=Booking.user_id.type)))
            .where(VisitSession.id == bindparam("session_id", type_=VisitSession.id.type)))


def session_view(session_id: int, user_id: int | None) -> SessionView | None:
    """The page of one session as ``user_id`` sees it (None: anonymous); None if no such session."""
    # On the session's connection (same transaction) but past the ORM's layers: only columns come
    # back, and the ORM's per-statement work cost twice the query itself.
    row = db.session.connection().execute(_page_query(), {"session_id": session_id, "user_id": user_id}).first()
    if row is None:
        return None
    (id_, starts_at, ends_at, status, capacity, taken, opens_at, closes_at, cancel_until,
     title, meeting_point, map_url, audiences, school_groups, language, accessibility, description_html,
     cover_alt, cover_sha256, cover_mime, waiting, mine_id, mine_status, mine_seats, before_mine) = row
    audiences = tuple(audiences or ())
    facts = rules.SessionFacts(starts_at=starts_at, ends_at=ends_at, status=status, audiences=audiences,
                               booking_opens_at=opens_at, booking_closes_at=closes_at)
    cover_url = (url_path(MediaAsset(sha256=cover_sha256, mime_type=cover_mime))
                 if cover_sha256 is not None else None)
    details = SessionDetails(
        session_id=id_, title=title, starts_at=starts_at, ends_at=ends_at, status=status,
        closes_at=rules.booking_closes(facts), cancel_deadline=rules.cancel_deadline(starts_at, cancel_until),
        meeting_point=meeting_point or "", map_url=map_url or "", audiences=audiences,
        school_groups=bool(school_groups), language=language, accessibility=accessibility or "",
        description_html=description_html or "", cover_url=cover_url, cover_alt=cover_alt or "")
    mine = None
    if mine_id is not None:
        place = 1 + before_mine if mine_status == rules.WAITLISTED else None
        mine = OwnBooking(id=mine_id, status=mine_status, seats=mine_seats, place=place)
    return SessionView(details=details, facts=facts, capacity=capacity, taken=taken, waiting=waiting, mine=mine)
