"""The day-before reminder, for cron: `learnapp visits remind`.

Idempotent: each booking is stamped by a guarded ``UPDATE … WHERE reminded_at IS NULL``
before its message is queued, so two runs (even at once) never send one reminder twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from learnapp.extensions import db
from learnapp.visits import notify, rules
from learnapp.visits.models import Booking, VisitSession


def send_reminders(*, now: datetime) -> int:
    due = list(db.session.scalars(
        select(Booking).join(VisitSession, Booking.session_id == VisitSession.id)
        .where(Booking.status == rules.CONFIRMED, Booking.reminded_at.is_(None),
               VisitSession.status == rules.SCHEDULED, VisitSession.starts_at > now,
               VisitSession.starts_at <= now + rules.REMINDER_WINDOW)
        .order_by(Booking.id)))
    sent = 0
    for booking in due:
        result = db.session.execute(
            update(Booking).where(Booking.id == booking.id, Booking.reminded_at.is_(None))
            .values(reminded_at=now).execution_options(synchronize_session=False))
        if result.rowcount == 1:
            notify.reminder(booking, now=now)
            sent += 1
    return sent
