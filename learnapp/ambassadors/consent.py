"""Parental consent for a minor ambassador: the one place that decides whether it is recorded.

A parent gives it with the signature (their name and a declaration), or, for a child who is a
pupil, the class's teacher recorded the collected forms (``learnapp.schools.consent``).
"""

from __future__ import annotations

from learnapp.core import age_groups
from learnapp.schools.consent import has_parental_consent

PARENT, TEACHER = "parent", "teacher"


def needs_consent(age_group: str) -> bool:
    return age_group != age_groups.ADULT


def has_consent(session, user, signature, age_group: str) -> bool:
    """Whether ``user``'s ``signature`` (an ``ambassadors.models.Signature`` or ``None``) carries
    the consent their age group needs. ``session`` is there for the class-teacher seam."""
    if not needs_consent(age_group):
        return True
    if signature is None:
        return False
    # The teacher records forms for pupils under 15 only: a teen pupil still needs a parent's.
    if age_group == age_groups.CHILD and has_parental_consent(session, user.id) is True:
        return True
    if signature.consent_by == PARENT:
        return bool((signature.parent_name or "").strip() and (signature.parent_declaration or "").strip())
    if signature.consent_by == TEACHER:
        return signature.consent_by_user_id is not None
    return False
