"""Courses and tiers given to a class, with an optional due date; what a pupil sees first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from learnapp.auth.models import User
from learnapp.courses.models import Course
from learnapp.extensions import db
from learnapp.quizzes.models import QuizTier
from learnapp.schools.errors import SchoolError
from learnapp.schools.models import Assignment, Pupil, SchoolClass


@dataclass(frozen=True)
class Given:
    assignment: Assignment
    course: Course


def assignments(school_class: SchoolClass) -> list[Given]:
    rows = db.session.execute(
        select(Assignment, Course).join(Course, Course.id == Assignment.course_id)
        .where(Assignment.class_id == school_class.id)
        .order_by(Assignment.due_on.is_(None), Assignment.due_on, Course.position, Course.id)).all()
    return [Given(a, c) for a, c in rows]


def tier_count(course_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(QuizTier).where(QuizTier.course_id == course_id))


def assign(school_class: SchoolClass, course: Course | None, *, tiers: int, due_on: date | None,
           actor: User, now: datetime) -> Assignment:
    """Give ``course`` (tiers 1..``tiers``) to the class; giving it again changes tiers and date."""
    if course is None or not course.published:
        raise SchoolError("no_course")
    if school_class.archived_at is not None:
        raise SchoolError("archived")
    if tiers < 0 or tiers > tier_count(course.id):
        raise SchoolError("tiers")
    if due_on is not None and due_on < now.date():
        raise SchoolError("due_past")
    found = db.session.scalar(select(Assignment).where(
        Assignment.class_id == school_class.id, Assignment.course_id == course.id))
    if found is None:
        found = Assignment(class_id=school_class.id, course_id=course.id, created_at=now)
        db.session.add(found)
    found.tiers, found.due_on, found.assigned_by_id = tiers, due_on, actor.id
    db.session.flush()
    return found


def unassign(school_class: SchoolClass, assignment_id: int) -> None:
    found = db.session.get(Assignment, assignment_id)
    if found is None or found.class_id != school_class.id:
        raise SchoolError("no_assignment")
    db.session.delete(found)
    db.session.flush()


def for_pupil(pupil: Pupil) -> list[Given]:
    """A pupil's assignments, the soonest due first (shown first on their home page)."""
    return assignments(pupil.school_class)
