"""Account rules in plain Python: age groups and password policy. No Flask, no database."""

from __future__ import annotations

from datetime import date

CHILD = "child"
TEEN = "teen"
ADULT = "adult"
AGE_GROUPS = (CHILD, TEEN, ADULT)

TEEN_FROM = 15
ADULT_FROM = 18
OLDEST_BIRTH_YEAR = 1900

PASSWORD_MIN_LENGTH = 10


def age_in_year(birth_year: int, today: date) -> int:
    """The age a person reaches during ``today``'s calendar year.

    We only ask for a birth year (less personal data, easy for a child to give), so the
    group changes on 1 January of the year a person turns 15 or 18.
    """
    return today.year - birth_year


def age_group(birth_year: int, today: date) -> str:
    age = age_in_year(birth_year, today)
    if age < TEEN_FROM:
        return CHILD
    if age < ADULT_FROM:
        return TEEN
    return ADULT


def birth_year_is_plausible(birth_year: int, today: date) -> bool:
    return OLDEST_BIRTH_YEAR <= birth_year <= today.year


def may_self_register(birth_year: int, today: date) -> bool:
    """Children join only through their school class (no e-mail, consent by the teacher)."""
    return age_group(birth_year, today) != CHILD


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
