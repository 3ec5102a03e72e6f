"""The office dashboard's "École" and "Classe" filters (office/seams.py): certification rates and
the funnel counted over the pupils of one school or one class."""

from __future__ import annotations

from sqlalchemy import select

from learnapp.core.i18n import _l
from learnapp.extensions import db
from learnapp.office.seams import add_population_filter
from learnapp.schools.models import Pupil, School, SchoolClass


def school_choices() -> list[tuple[str, str]]:
    return [(str(school_id), name) for school_id, name
            in db.session.execute(select(School.id, School.name).order_by(School.name))]


def class_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(select(SchoolClass.id, School.name, SchoolClass.name, SchoolClass.school_year)
                              .join(School, School.id == SchoolClass.school_id)
                              .order_by(School.name, SchoolClass.school_year.desc(), SchoolClass.name))
    return [(str(class_id), f"{school} — {name} ({year})") for class_id, school, name, year in rows]


# A pupil removed from a class still counts for it: their attempts were made as its pupil.
def in_school(value: str, user_id):
    return user_id.in_(select(Pupil.user_id).join(SchoolClass, SchoolClass.id == Pupil.class_id)
                       .where(SchoolClass.school_id == int(value)))


def in_class(value: str, user_id):
    return user_id.in_(select(Pupil.user_id).where(Pupil.class_id == int(value)))


def register(app) -> None:
    add_population_filter(app, "school", _l("École"), choices=school_choices, condition=in_school)
    add_population_filter(app, "class", _l("Classe"), choices=class_choices, condition=in_class)
