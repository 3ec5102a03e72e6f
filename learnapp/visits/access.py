"""What the visits domain asks of accounts, in one place (the seam to auth and schools).

Age groups come from ``learnapp.core.age_groups``; whether an account may book (its e-mail
address proved, or a pupil's account with no address) from the accounts' rules (issue 8).
"""

from __future__ import annotations

from datetime import datetime

from learnapp.auth import rules as account_rules
from learnapp.core import age_groups

AGE_GROUPS = age_groups.ALL
STAFF_ROLES = frozenset({"staff", "admin"})


def user_age_group(user, now: datetime) -> str:
    return age_groups.group_at(user.birth_year, now)


def email_confirmed(user) -> bool:
    return account_rules.may_take_part(email=user.email, email_confirmed_at=user.email_confirmed_at)


def is_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and STAFF_ROLES & set(user.role_names))


def guide_id_of(session) -> int | None:
    return session.guide_id if session.guide_id is not None else session.visit.guide_id


def may_run(user, session) -> bool:
    """Staff, or the guide leading this session, may see and mark its roster."""
    if is_staff(user):
        return True
    return user.has_role("guide") and guide_id_of(session) == user.id


def may_edit_visit(user, visit) -> bool:
    if is_staff(user):
        return True
    return user.has_role("guide") and visit.guide_id == user.id
