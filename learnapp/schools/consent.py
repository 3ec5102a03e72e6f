"""Parental consent for pupils under 15: recorded by the teacher (the date on the collected forms,
who recorded it), per class or per pupil.

Other domains ask :func:`has_parental_consent` before showing a person anywhere public
(palmarès, portraits) or giving them a card: a pupil without consent learns and takes quizzes,
and appears nowhere else.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from learnapp.auth.models import User
from learnapp.core import age_groups
from learnapp.db import utcnow
from learnapp.schools import rules
from learnapp.schools.errors import SchoolError
from learnapp.schools.models import Pupil, SchoolClass


def has_parental_consent(session, user_id: int, *, now: datetime | None = None) -> bool | None:
    """None: not a pupil (the question does not arise). True: a pupil aged 15 or more, or one
    whose parents' form was recorded. False: a pupil under 15 without it, or a deleted pupil.

    ``session`` is a SQLAlchemy session (``db.session``), so callers need nothing else."""
    row = session.execute(
        select(Pupil.consent_at, Pupil.removed_at, User.birth_year).join(User, User.id == Pupil.user_id)
        .where(Pupil.user_id == user_id)).first()
    if row is None:
        return None
    if row.removed_at is not None:
        return False  # deleted at the end of the year: shown nowhere
    today = age_groups.office_date(now or utcnow())
    return rules.consent_given(birth_year=row.birth_year, consent_at=row.consent_at, today=today)


def record(pupils: list[Pupil], *, on: date, actor: User, now: datetime) -> int:
    """Record the forms collected on ``on`` for these pupils; returns how many changed."""
    if on > age_groups.office_date(now):
        raise SchoolError("consent_future")
    changed = 0
    for pupil in pupils:
        if pupil.consent_at is None:
            pupil.consent_at, pupil.consent_on, pupil.consent_by_id = now, on, actor.id
            changed += 1
    return changed


def missing(school_class: SchoolClass, pupils: list[Pupil], now: datetime) -> list[Pupil]:
    """The pupils of the list whose consent is still needed."""
    today = age_groups.office_date(now)
    return [p for p in pupils if not rules.consent_given(birth_year=p.user.birth_year, consent_at=p.consent_at,
                                                         today=today)]
