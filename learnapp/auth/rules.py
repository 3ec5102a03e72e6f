"""Account rules in plain Python: who may register, and password policy. No Flask, no database.

Age groups (codes, thresholds, a person's group at a moment) belong to ``learnapp.core.age_groups``.
"""

from __future__ import annotations

from datetime import date

from learnapp.core import age_groups

OLDEST_BIRTH_YEAR = 1900

PASSWORD_MIN_LENGTH = 10


def birth_year_is_plausible(birth_year: int, today: date) -> bool:
    return OLDEST_BIRTH_YEAR <= birth_year <= today.year


def may_self_register(birth_year: int, today: date) -> bool:
    """Children join only through their school class (no e-mail, consent by the teacher)."""
    return age_groups.group_on(birth_year, today) != age_groups.CHILD


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """Codes of what is wrong with a password; an empty list means it is acceptable."""
    problems = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append("too_short")
    lowered = password.lower()
    for personal in (email.split("@")[0].lower(), name.lower()):
        if len(personal) >= 4 and personal in lowered:
            problems.append("personal")
            break
    if len(set(password)) < 4:
        problems.append("repetitive")
    return problems
