"""Account rules in plain Python: who may register, passwords, names, sessions, throttling.
No Flask, no database.

Age groups (codes, thresholds, a person's group at a moment) belong to ``learnapp.core.age_groups``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

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


# Names ----------------------------------------------------------------------------------------

NAME_INITIAL = "initial"
NAME_FULL = "full"
NAME_RULES = (NAME_INITIAL, NAME_FULL)

# Characters no name needs and that let one name look like another: controls, format characters
# (bidirectional overrides and isolates, zero-width spaces and joiners, BOM), separators other
# than the space, private-use and unassigned code points.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# Letters that draw nothing (Hangul fillers, braille blank): a name made of them looks empty.
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _words(text: str) -> list[str]:
    """Lower-case words without accents: « L'Office de Tourisme » → [l, office, de, tourisme]."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.findall(r"[^\W_]+", plain)


def name_problems(name: str, reserved: tuple[str, ...] | list[str] = ()) -> list[str]:
    """Codes of what is wrong with a name people will see; empty when it is acceptable.

    ``reserved`` lists names that would pose as the office (« administrateur », « staff »…):
    refused when they appear as whole words, accents and case aside (« Staffan » is fine).
    """
    problems = []
    if any(unicodedata.category(c) in _REFUSED_CATEGORIES or c in _BLANK_LOOKING for c in name):
        problems.append("invisible")
    if name != name.strip() or name[:1] in _BLANK_LOOKING or name[-1:] in _BLANK_LOOKING:
        problems.append("spaces")
    words = _words(name)
    for phrase in reserved:
        wanted = _words(phrase)
        if wanted and any(words[i:i + len(wanted)] == wanted for i in range(len(words))):
            problems.append("reserved")
            break
    return problems


def public_name(first_name: str, last_name: str, shown: str, *, minor: bool) -> str:
    """First name and initial for a minor or by choice (« Camille D. »), else the full name."""
    first, last = first_name.strip(), last_name.strip()
    if not last:
        return first
    if minor or shown != NAME_FULL:
        return f"{first} {last[0].upper()}."
    return f"{first} {last}"


def full_name(first_name: str, last_name: str) -> str:
    return " ".join(part for part in (first_name.strip(), last_name.strip()) if part)


# Taking part ----------------------------------------------------------------------------------

def may_take_part(*, email: str | None, email_confirmed_at: datetime | None) -> bool:
    """May book a visit, be certified or become an ambassador.

    An account with an address must have proved it (the confirmation link). A pupil's account
    has no address: the teacher who made it vouches for the child. Reading lessons and taking
    quizzes need neither.
    """
    return email is None or email_confirmed_at is not None


# Sessions -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionTimeouts:
    idle: timedelta       # ends after this long without a request
    absolute: timedelta   # ends this long after sign-in, however active


def session_expired(created_at: datetime, last_seen_at: datetime, now: datetime,
                    timeouts: SessionTimeouts) -> bool:
    return now - last_seen_at > timeouts.idle or now - created_at > timeouts.absolute


def needs_touch(last_seen_at: datetime, now: datetime, interval: timedelta) -> bool:
    """Write last-seen at most once per ``interval``: one UPDATE a minute, not one per page."""
    return now - last_seen_at >= interval


# Sign-in throttling ---------------------------------------------------------------------------

def failure_delay(failures: int, *, free: int, cap_seconds: int) -> int:
    """Seconds to wait before the next try after ``failures`` failed ones.

    The first ``free`` failures cost nothing (typos); then 1, 2, 4, 8 … seconds, never more than
    ``cap_seconds``: slower and slower, but never a lock-out an attacker can impose on the owner.
    """
    if failures <= free:
        return 0
    return min(2 ** (failures - free - 1), cap_seconds)
