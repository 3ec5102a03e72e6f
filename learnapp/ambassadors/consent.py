"""Parental consent for a minor ambassador: the one place that decides whether it is recorded.

Today a parent gives it with the signature (their name and a declaration). The seam: when
schools exist, the teacher of a pupil's class may confirm it for the class; the lead extends
:func:`has_consent` (e.g. asking ``learnapp.schools.consent``) without touching its callers.
"""

from __future__ import annotations

from learnapp.core import age_groups

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
    if signature.consent_by == PARENT:
        return bool((signature.parent_name or "").strip() and (signature.parent_declaration or "").strip())
    if signature.consent_by == TEACHER:
        return signature.consent_by_user_id is not None
    return False
