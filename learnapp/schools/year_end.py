"""The end of the school year: archive a class, move pupils on, or delete them.

Deleting a pupil anonymises the account instead of deleting its row: a certificate belongs to
an account (deleting it would delete them), and a certificate already printed or shared must
still verify. The name goes (first name, initial, username), the account can no longer sign in,
its progress and consent go with it, and its certificates show « élève de <école> ». See
docs/decisions-schools.md.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from learnapp.auth import services as accounts
from learnapp.auth import sessions
from learnapp.certificates.models import Certificate
from learnapp.core.signals import activity_changed
from learnapp.courses.models import LessonProgress
from learnapp.extensions import db
from learnapp.schools import roster, rules
from learnapp.schools.errors import SchoolError
from learnapp.schools.models import Pupil, SchoolClass


def archive(school_class: SchoolClass, *, now: datetime) -> None:
    """The class and its code stop working; its teachers still find it under « archived »."""
    if school_class.archived_at is None:
        school_class.archived_at = now
        db.session.flush()


def move(chosen: list[Pupil], source: SchoolClass, target: SchoolClass) -> int:
    """Pupils join next year's class (a username already taken there gets a number)."""
    if target.id == source.id:
        raise SchoolError("same_class")
    if target.archived_at is not None:
        raise SchoolError("archived")
    taken = set(db.session.scalars(select(Pupil.username).where(Pupil.class_id == target.id)))
    for pupil in chosen:
        pupil.username = rules.unique_username(pupil.username.rstrip("0123456789") or pupil.username, taken)
        pupil.class_id = target.id
    db.session.flush()
    return len(chosen)


def anonymous_name(school_name: str) -> str:
    return f"élève de {school_name}"


def remove(chosen: list[Pupil], school_class: SchoolClass, *, actor, now: datetime) -> int:
    name = anonymous_name(school_class.school.name)
    for pupil in chosen:
        user = pupil.user
        sessions.end_all(user, now)
        user.first_name, user.last_name, user.display_name = name, "", name[:80]
        user.password_hash = roster.NO_PASSWORD
        user.is_active_account = False
        user.birth_year = now.year - 18  # no birth year kept: any value past childhood
        pupil.username = f"supprime-{pupil.id}"
        pupil.removed_at = now
        pupil.consent_at = pupil.consent_on = pupil.consent_by_id = None
        db.session.execute(delete(LessonProgress).where(LessonProgress.user_id == user.id))
        activity_changed.send(user.id)
        db.session.execute(update(Certificate).where(Certificate.user_id == user.id)
                           .values(recipient_name=name[:200], public_name=name[:200])
                           .execution_options(synchronize_session=False))
        accounts.audit(actor, "school.pupil_removed", f"user:{user.id}", f"class:{school_class.id}", now)
    db.session.flush()
    return len(chosen)
