"""Schools, teacher invitations and classes; who may reach which class.

Services flush and never commit; ``actor`` and ``now`` are arguments.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from random import SystemRandom

from sqlalchemy import exists, func, select, update

from learnapp.auth import rules as account_rules
from learnapp.auth import services as accounts
from learnapp.auth.models import User
from learnapp.extensions import db
from learnapp.schools import rules
from learnapp.schools.errors import SchoolError
from learnapp.schools.models import (
    ClassTeacher,
    Pupil,
    School,
    SchoolClass,
    SchoolTeacher,
    TeacherInvitation,
)

_rng = SystemRandom()


# Schools and invitations ----------------------------------------------------------------------

def create_school(name: str, town: str, *, now: datetime) -> School:
    name = name.strip()
    if not name or account_rules.name_problems(name):
        raise SchoolError("school_name")
    if db.session.scalar(select(School.id).where(func.lower(School.name) == name.lower())):
        raise SchoolError("school_taken")
    school = School(name=name[:160], town=town.strip()[:120], created_at=now)
    db.session.add(school)
    db.session.flush()
    return school


def schools() -> list[School]:
    return list(db.session.scalars(select(School).order_by(School.name)))


def teachers_of_school(school: School) -> list[User]:
    return list(db.session.scalars(
        select(User).join(SchoolTeacher, SchoolTeacher.user_id == User.id)
        .where(SchoolTeacher.school_id == school.id).order_by(User.display_name)))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_teacher(school: School, email: str, *, actor: User, now: datetime) -> str:
    """A new single-use invitation; returns the token for the link (only its hash is kept)."""
    email = accounts.normalise_email(email)
    token = secrets.token_urlsafe(32)
    db.session.add(TeacherInvitation(school_id=school.id, email=email, token_hash=_token_hash(token),
                                     invited_by_id=actor.id, created_at=now))
    db.session.flush()
    return token


def invitation(token: str, *, now: datetime, max_age_seconds: int) -> TeacherInvitation:
    found = db.session.scalar(select(TeacherInvitation).where(
        TeacherInvitation.token_hash == _token_hash(token or "")))
    if found is None:
        raise SchoolError("invitation_invalid")
    if found.used_at is not None:
        raise SchoolError("invitation_used")
    if (now - found.created_at).total_seconds() > max_age_seconds:
        raise SchoolError("invitation_expired")
    return found


def accept_invitation(found: TeacherInvitation, *, user: User | None, first_name: str = "",
                      last_name: str = "", password: str = "", now: datetime) -> User:
    """Use the invitation once (guarded update), then make or complete the teacher's account."""
    used = db.session.execute(
        update(TeacherInvitation).where(TeacherInvitation.id == found.id, TeacherInvitation.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        raise SchoolError("invitation_used")
    if user is None:
        user = accounts.find_by_email(found.email)
    if user is None:
        user = accounts.create_user(email=found.email, password=password, birth_year=now.year - 30,
                                    first_name=first_name, last_name=last_name, roles=("teacher",),
                                    now=now, email_confirmed=True)
    else:
        accounts.grant_role(user, "teacher", actor=None, now=now)
    if not db.session.scalar(select(SchoolTeacher.id).where(
            SchoolTeacher.school_id == found.school_id, SchoolTeacher.user_id == user.id)):
        db.session.add(SchoolTeacher(school_id=found.school_id, user_id=user.id, created_at=now))
    accounts.audit(None, "school.teacher_joined", f"user:{user.id}", f"school:{found.school_id}", now)
    db.session.flush()
    return user


def add_teacher(school: School, user: User, *, actor: User | None, now: datetime) -> None:
    """Staff or the demo: a teacher joins a school directly."""
    accounts.grant_role(user, "teacher", actor=actor, now=now)
    if not db.session.scalar(select(SchoolTeacher.id).where(
            SchoolTeacher.school_id == school.id, SchoolTeacher.user_id == user.id)):
        db.session.add(SchoolTeacher(school_id=school.id, user_id=user.id, created_at=now))
    db.session.flush()


def schools_of(user: User) -> list[School]:
    return list(db.session.scalars(
        select(School).join(SchoolTeacher, SchoolTeacher.school_id == School.id)
        .where(SchoolTeacher.user_id == user.id).order_by(School.name)))


# Classes --------------------------------------------------------------------------------------

def create_class(school: School, *, name: str, school_year: str, level: str, teacher: User,
                 now: datetime) -> SchoolClass:
    if not db.session.scalar(select(SchoolTeacher.id).where(
            SchoolTeacher.school_id == school.id, SchoolTeacher.user_id == teacher.id)):
        raise SchoolError("not_your_school")
    name = name.strip()
    if not name or len(name) > 80 or account_rules.name_problems(name):
        raise SchoolError("class_name")
    if not rules.school_year_is_valid(school_year.strip()):
        raise SchoolError("school_year")
    school_class = SchoolClass(school_id=school.id, name=name, school_year=school_year.strip(),
                               level=level.strip()[:40], code=_free_code(), created_at=now)
    db.session.add(school_class)
    db.session.flush()
    db.session.add(ClassTeacher(class_id=school_class.id, user_id=teacher.id))
    db.session.flush()
    return school_class


def _free_code() -> str:
    while True:
        code = rules.new_class_code(_rng)
        if not db.session.scalar(select(SchoolClass.id).where(SchoolClass.code == code)):
            return code


def new_code(school_class: SchoolClass) -> None:
    """A new class code (the old one stops working; printed cards must be printed again)."""
    school_class.code = _free_code()
    db.session.flush()


def classes_of(user: User, *, archived: bool = False) -> list[SchoolClass]:
    query = (select(SchoolClass).join(ClassTeacher, ClassTeacher.class_id == SchoolClass.id)
             .where(ClassTeacher.user_id == user.id))
    query = query.where(SchoolClass.archived_at.is_not(None) if archived else SchoolClass.archived_at.is_(None))
    return list(db.session.scalars(query.order_by(SchoolClass.school_year.desc(), SchoolClass.name)))


def pupil_counts(class_ids: list[int]) -> dict[int, int]:
    if not class_ids:
        return {}
    return dict(db.session.execute(
        select(Pupil.class_id, func.count()).where(Pupil.class_id.in_(class_ids), Pupil.removed_at.is_(None))
        .group_by(Pupil.class_id)).all())


def teaches(user: User, class_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(
        ClassTeacher.class_id == class_id, ClassTeacher.user_id == user.id))))


def class_for_teacher(user: User, class_id: int) -> SchoolClass:
    """The class, if ``user`` teaches it (an administrator reaches any); else SchoolError
    "no_class" — the same answer whether it exists or not, so ids say nothing."""
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None or not (user.has_role("admin") or teaches(user, class_id)):
        raise SchoolError("no_class")
    return school_class


def teachers_of_class(school_class: SchoolClass) -> list[User]:
    return list(db.session.scalars(
        select(User).join(ClassTeacher, ClassTeacher.user_id == User.id)
        .where(ClassTeacher.class_id == school_class.id).order_by(User.display_name)))


def add_class_teacher(school_class: SchoolClass, email: str) -> User:
    """Another teacher of the same school joins the class (found by their address)."""
    colleague = accounts.find_by_email(email)
    if colleague is None or not db.session.scalar(select(SchoolTeacher.id).where(
            SchoolTeacher.school_id == school_class.school_id, SchoolTeacher.user_id == colleague.id)):
        raise SchoolError("no_colleague")
    if not teaches(colleague, school_class.id):
        db.session.add(ClassTeacher(class_id=school_class.id, user_id=colleague.id))
        db.session.flush()
    return colleague


def class_by_code(typed: str) -> SchoolClass:
    """The open class a typed code names; SchoolError "code_unknown" / "code_archived"."""
    code = rules.normalise_code(typed)
    if not rules.code_is_well_formed(code):
        raise SchoolError("code_unknown")
    school_class = db.session.scalar(select(SchoolClass).where(SchoolClass.code == code))
    if school_class is None:
        raise SchoolError("code_unknown")
    if school_class.archived_at is not None:
        raise SchoolError("code_archived")
    return school_class
