"""Visit rules in plain Python: who may book what and when, overlaps, deadlines, the waitlist.

No Flask, no database: values in, values out. Times are aware UTC datetimes; "local" means
Europe/Paris, where every visit happens.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

SCHEDULED = "scheduled"
CANCELLED = "cancelled"

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
BOOKING_CANCELLED = "cancelled"
LIVE = (CONFIRMED, WAITLISTED)

PERSON = "person"
GROUP = "group"

# One booking: the booker and at most five children in their care (a family, not a group:
# groups go through a class, once classes exist).
MAX_SEATS_PER_BOOKING = 6
CHILD_NAME_MAX = 40
# Without a session's own deadline, cancelling is possible until 24 hours before the start.
DEFAULT_CANCEL_NOTICE = timedelta(hours=24)
# A session is "tomorrow" for the reminder when it starts within this window.
REMINDER_WINDOW = timedelta(hours=36)
MAX_SESSIONS_PER_FORM = 60


@dataclass(frozen=True)
class SessionFacts:
    """What the booking rules need to know about a session."""

    starts_at: datetime
    ends_at: datetime
    status: str
    audiences: tuple[str, ...]
    booking_opens_at: datetime | None = None
    booking_closes_at: datetime | None = None


def booking_closes(facts: SessionFacts) -> datetime:
    return facts.booking_closes_at or facts.starts_at


def cancel_deadline(starts_at: datetime, cancel_until: datetime | None) -> datetime:
    return cancel_until or starts_at - DEFAULT_CANCEL_NOTICE


def booking_refusal(facts: SessionFacts, *, now: datetime, age_group: str, seats: int,
                    children: Sequence[str] = (), email_confirmed: bool = True) -> str | None:
    """Why this person may not ask for these seats now (a code), or None.

    A full session is no refusal: the request joins the waitlist."""
    if facts.status == CANCELLED:
        return "cancelled"
    if now >= facts.starts_at:
        return "past"
    if facts.booking_opens_at and now < facts.booking_opens_at:
        return "not_open"
    if now >= booking_closes(facts):
        return "closed"
    if age_group not in facts.audiences:
        return "audience"
    if not email_confirmed:
        return "email"
    return seats_refusal(seats, children, age_group=age_group)


# A school group (pupils and the adults with them) booked by a teacher through a class.
MAX_GROUP_SEATS = 250


def group_refusal(facts: SessionFacts, *, now: datetime, school_groups: bool, seats: int) -> str | None:
    """Why a class may not ask for these seats now (a code), or None. The visit must welcome
    school groups (its own switch, whatever its age groups); a full session is no refusal."""
    if facts.status == CANCELLED:
        return "cancelled"
    if now >= facts.starts_at:
        return "past"
    if facts.booking_opens_at and now < facts.booking_opens_at:
        return "not_open"
    if now >= booking_closes(facts):
        return "closed"
    if not school_groups:
        return "no_groups"
    if seats <= 0:
        return "seats_invalid"
    if seats > MAX_GROUP_SEATS:
        return "group_seats_limit"
    return None


def seats_refusal(seats: int, children: Sequence[str], *, age_group: str) -> str | None:
    if seats <= 0:
        return "seats_invalid"
    if seats > MAX_SEATS_PER_BOOKING:
        return "seats_limit"
    if children and age_group != "adult":
        return "children_adult_only"  # only an adult brings children in their care
    if len(children) != seats - 1:
        return "children_names"
    if any(not name.strip() or len(name.strip()) > CHILD_NAME_MAX for name in children):
        return "children_names"
    return None


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals: a visit ending at 10:00 does not clash with one starting at 10:00."""
    return a_start < b_end and b_start < a_end


def may_cancel(*, now: datetime, starts_at: datetime, cancel_until: datetime | None,
               is_staff: bool) -> bool:
    """After the deadline only staff can cancel (and nobody once the session has begun,
    except staff, who may correct the record)."""
    if is_staff:
        return True
    return now < cancel_deadline(starts_at, cancel_until)


def promotions(waiting: Iterable[tuple[int, int]], free: int) -> list[int]:
    """Which waitlisted bookings (id, seats), in waitlist order, the free seats go to.

    In order; a request that does not fit is skipped but keeps its place at the head of the
    line for the next freed seats, so a seat never stays empty while someone who fits waits."""
    chosen = []
    for booking_id, seats in waiting:
        if free <= 0:
            break
        if seats <= free:
            chosen.append(booking_id)
            free -= seats
    return chosen


def waitlist_place(waiting_ids: Sequence[int], booking_id: int) -> int | None:
    """1 for the first in line; None when the booking is not waiting."""
    try:
        return list(waiting_ids).index(booking_id) + 1
    except ValueError:
        return None


# Times ------------------------------------------------------------------------------------

def local_to_utc(value: datetime) -> datetime:
    """A wall-clock time in Granville (naive) → aware UTC. A time that does not exist (the
    spring gap) or happens twice (the autumn fold) takes its first reading (fold=0)."""
    from datetime import UTC

    return value.replace(tzinfo=PARIS).astimezone(UTC)


def local(value: datetime) -> datetime:
    return value.astimezone(PARIS)


def days_ahead(starts_at: datetime, now: datetime) -> int:
    """Calendar days from ``now`` to ``starts_at`` in Granville: 0 today, 1 tomorrow (a visit at
    00:30 local is "tomorrow" at 23:00 even though it is only 90 minutes away)."""
    return (local(starts_at).date() - local(now).date()).days


def month_bounds(month: str) -> tuple[datetime, datetime] | None:
    """'2026-12' → the month's first and next month's first instants (UTC); None if invalid."""
    try:
        year, number = (int(part) for part in month.split("-"))
        start = date(year, number, 1)
    except (ValueError, TypeError):
        return None
    following = date(year + (number == 12), number % 12 + 1, 1)
    return (local_to_utc(datetime(start.year, start.month, 1)),
            local_to_utc(datetime(following.year, following.month, 1)))


def guide_clashes(sessions: Sequence[tuple[str, int | None, datetime, datetime]]) -> list[tuple[str, str]]:
    """Pairs of labels whose sessions overlap for the same guide; ``sessions`` holds
    (label, guide id, start, end). Sorted sweep per guide."""
    clashes = []
    by_guide: dict[int, list[tuple[datetime, datetime, str]]] = {}
    for label, guide, start, end in sessions:
        if guide is not None:
            by_guide.setdefault(guide, []).append((start, end, label))
    for items in by_guide.values():
        items.sort()
        latest_end, latest_label = None, None  # the session reaching furthest so far
        for start, end, label in items:
            if latest_end is not None and start < latest_end:
                clashes.append((latest_label, label))
            if latest_end is None or end > latest_end:
                latest_end, latest_label = end, label
    return clashes
