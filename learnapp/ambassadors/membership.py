"""Being an ambassador stays voluntary: pause, come back, leave, choose what others see.

Pausing or leaving hides a person from every list (palmarès, portraits, directory) and stops
their card (``standing.active`` is False); their level and history are kept. Coming back from a
pause is one click; after leaving, one signs the manifesto again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from learnapp.ambassadors.errors import AmbassadorError
from learnapp.ambassadors.models import JOINED, LEFT, PAUSED, Membership
from learnapp.auth.models import User
from learnapp.core import age_groups
from learnapp.extensions import db

CONTACT_MAX = 200

# Which status each action leads from and to.
MOVES = {"pause": ({JOINED}, PAUSED), "resume": ({PAUSED}, JOINED), "leave": ({JOINED, PAUSED}, LEFT)}


def of(user: User) -> Membership | None:
    return db.session.scalars(select(Membership).where(Membership.user_id == user.id)).first()


def move(user: User, action: str, *, now: datetime) -> Membership:
    """``pause``, ``resume`` or ``leave``: a guarded update, so a double click changes it once."""
    if action not in MOVES:
        raise AmbassadorError("unknown_action")
    membership = of(user)
    if membership is None:
        raise AmbassadorError("not_member")
    allowed, target = MOVES[action]
    result = db.session.execute(
        update(Membership).where(Membership.id == membership.id, Membership.status.in_(allowed))
        .values(status=target, status_changed_at=now).execution_options(synchronize_session=False))
    db.session.refresh(membership)
    if result.rowcount != 1:
        raise AmbassadorError("status_" + membership.status)
    return membership


def set_preferences(user: User, *, in_palmares: bool, in_directory: bool, preferred_contact: str,
                    now: datetime) -> Membership:
    membership = of(user)
    if membership is None:
        raise AmbassadorError("not_member")
    contact = " ".join((preferred_contact or "").split())
    if len(contact) > CONTACT_MAX:
        raise AmbassadorError("contact_too_long", max=CONTACT_MAX)
    if in_directory and user.age_group(now) != age_groups.ADULT:
        raise AmbassadorError("directory_adults")
    if in_directory and not contact and not user.email:
        raise AmbassadorError("contact_missing")
    membership.in_palmares, membership.in_directory, membership.preferred_contact = \
        bool(in_palmares), bool(in_directory), contact
    db.session.flush()
    return membership
