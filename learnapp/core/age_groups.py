"""Age groups: the one owner of their codes, thresholds, labels, order and fallbacks.

A learner reads the text written for their age group and draws that group's quiz questions.
Everything about the groups lives here; every other module asks this one. Adding a group is an
entry in ``GROUPS`` (plus its translations and, for content, its texts).

Words: an *age group* is one of these codes. Stored data and content files call the groups a
text or question is written for its ``audiences`` (a column / YAML field kept for compatibility);
in the code, an *audience* is who may see a view (``learnapp.core.access``).

Pure Python: no Flask. Labels are French message ids (``N_``); :func:`labels` and its siblings
give lazy strings, translated when shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from learnapp.core.messages import N_, lazy

# Ages are counted on the office's calendar: a learner changes group at midnight in Paris.
OFFICE_TIME_ZONE = ZoneInfo("Europe/Paris")

CHILD = "child"
TEEN = "teen"
ADULT = "adult"


@dataclass(frozen=True)
class AgeGroup:
    code: str
    # The group starts in the calendar year a person reaches this age.
    from_age: int
    label: str  # "Enfants (moins de 15 ans)": forms, staff pages
    short: str  # "Enfants": tabs, tables
    the_group: str  # "les enfants": in a sentence ("the text written for …")
    # Whose text or questions to use, in order, when content exists for other groups only.
    fallbacks: tuple[str, ...]
    # Readability target (Flesch-Kessler score) of a text written for this group, and whether
    # missing it is a warning (children cannot push through a text that is too hard).
    reading_target: float
    warn_if_hard: bool = False
    # Simpler pages: one question at a time, « tu », no lesson titles in the navigation.
    simple_pages: bool = False


# Youngest first: this is the display order everywhere.
GROUPS: tuple[AgeGroup, ...] = (
    AgeGroup(CHILD, 0, N_("Enfants (moins de 15 ans)"), N_("Enfants"), N_("les enfants"),
             fallbacks=(CHILD, TEEN, ADULT), reading_target=70.0, warn_if_hard=True, simple_pages=True),
    AgeGroup(TEEN, 15, N_("Adolescents (15 à 17 ans)"), N_("Adolescents"), N_("les adolescents"),
             fallbacks=(TEEN, ADULT, CHILD), reading_target=55.0),
    AgeGroup(ADULT, 18, N_("Adultes"), N_("Adultes"), N_("les adultes"),
             fallbacks=(ADULT, TEEN, CHILD), reading_target=40.0),
)

BY_CODE: dict[str, AgeGroup] = {group.code: group for group in GROUPS}
ALL: tuple[str, ...] = tuple(group.code for group in GROUPS)
# An anonymous reader gets the adults' text.
DEFAULT = ADULT


def get(code: str) -> AgeGroup:
    """The group of ``code``; ``ValueError`` for an unknown code."""
    try:
        return BY_CODE[code]
    except KeyError:
        raise ValueError(f"unknown age group: {code!r}") from None


def is_group(code: object) -> bool:
    return isinstance(code, str) and code in BY_CODE


def labels() -> dict[str, object]:
    """Code → "Enfants (moins de 15 ans)", lazy, in display order."""
    return {group.code: lazy(group.label) for group in GROUPS}


def short_labels() -> dict[str, object]:
    """Code → "Enfants", lazy."""
    return {group.code: lazy(group.short) for group in GROUPS}


def in_sentence() -> dict[str, object]:
    """Code → "les enfants", lazy: "the text written for …"."""
    return {group.code: lazy(group.the_group) for group in GROUPS}


def ordered(codes: Iterable[str]) -> list[str]:
    """The known codes among ``codes``, once each, in display order."""
    wanted = set(codes)
    return [code for code in ALL if code in wanted]


def missing(wanted: Iterable[str], present: Iterable[str]) -> list[str]:
    """The groups in ``wanted`` with nothing among ``present``, in display order."""
    have = set(present)
    return [code for code in ordered(wanted) if code not in have]


def nearest(group: str, available: Iterable[str]) -> str | None:
    """Whose content a learner of ``group`` gets among the ``available`` groups: their own, else
    the nearest by ``fallbacks``. ``None`` when nothing is available; ``ValueError`` for an
    unknown group."""
    present = set(available)
    return next((code for code in get(group).fallbacks if code in present), None)


# --- a person's group -------------------------------------------------------------------------

def age_in_year(birth_year: int, day: date) -> int:
    """The age a person reaches during ``day``'s calendar year.

    We only ask for a birth year (less personal data, easy for a child to give), so the
    group changes on 1 January of the year a person turns 15 or 18.
    """
    return day.year - birth_year


def office_date(moment: datetime) -> date:
    """The office's calendar day at ``moment`` (an aware datetime; naive ones are UTC, as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(OFFICE_TIME_ZONE).date()


def group_on(birth_year: int, day: date) -> str:
    """A person's group on the office's calendar day ``day``."""
    age = age_in_year(birth_year, day)
    return next(group.code for group in reversed(GROUPS) if age >= group.from_age)


def group_at(birth_year: int, moment: datetime) -> str:
    """A person's group at ``moment``, counted in the office's time zone (Europe/Paris): every
    page asks this, so a learner is in the same group on every page, New Year's night included."""
    return group_on(birth_year, office_date(moment))
