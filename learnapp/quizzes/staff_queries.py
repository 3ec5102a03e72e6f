"""What the quiz staff pages read: courses with their quiz counts, a course's tiers and lessons,
the bank's latest question versions (filtered by tier and age group), a question's versions and
the stored pictures the editor names. Reads only; the views stay thin.
"""

from __future__ import annotations

import re

from sqlalchemy import cast, func, select
from sqlalchemy.dialects.postgresql import JSONB

from learnapp.core.pagination import PER_PAGE, Page
from learnapp.courses.models import Course, Lesson
from learnapp.extensions import db
from learnapp.media.models import MediaAsset
from learnapp.quizzes.models import Question, QuestionVersion, QuizTier, QuizTierStat


def course(course_id: int) -> Course | None:
    return db.session.get(Course, course_id)


def courses_page(number: int) -> Page:
    """One page of every course, in the catalogue's order."""
    total = db.session.scalar(select(func.count(Course.id)))
    courses = list(db.session.scalars(select(Course).order_by(Course.position, Course.title)
                                      .limit(PER_PAGE).offset((number - 1) * PER_PAGE)))
    return Page(items=courses, number=number, per_page=PER_PAGE, total=total)


def quiz_counts(course_ids: list[int]) -> dict[str, dict[int, int]]:
    """Per course id: questions in service, tiers, submitted attempts (three grouped queries)."""
    questions = dict(db.session.execute(
        select(Question.course_id, func.count(Question.id))
        .where(Question.course_id.in_(course_ids), Question.retired.is_(False)).group_by(Question.course_id)).all())
    tiers = dict(db.session.execute(
        select(QuizTier.course_id, func.count(QuizTier.id)).where(QuizTier.course_id.in_(course_ids))
        .group_by(QuizTier.course_id)).all())
    # Submitted attempts from the kept counts (tallies.py): a few rows, not every attempt.
    attempts = dict(db.session.execute(
        select(QuizTierStat.course_id, func.sum(QuizTierStat.attempts))
        .where(QuizTierStat.course_id.in_(course_ids)).group_by(QuizTierStat.course_id)).all())
    return {"questions": questions, "tiers": tiers, "attempts": attempts}


def tiers(course: Course) -> list[QuizTier]:
    return list(db.session.scalars(select(QuizTier).where(QuizTier.course_id == course.id)
                                   .order_by(QuizTier.number)))


def lesson_slugs(course: Course) -> list[str]:
    return list(db.session.scalars(select(Lesson.slug).where(Lesson.course_id == course.id)
                                   .order_by(Lesson.position, Lesson.slug)))


def _json_list_contains(column, value):
    """SQL: the JSON list in ``column`` holds ``value`` (SQLite json_each, PostgreSQL @>)."""
    if db.engine.dialect.name == "postgresql":
        return cast(column, JSONB).contains([value])
    each = func.json_each(column).table_valued("value")
    return select(1).select_from(each).where(each.c.value == value).exists()


def bank_page(course: Course, *, tier: int | None, audience: str | None, number: int) -> Page:
    """One page of the course's questions, each with its latest version: (Question, QuestionVersion)
    rows, in service first, by key; only those drawn for ``tier`` / ``audience`` when given."""
    latest = (select(QuestionVersion.question_id, func.max(QuestionVersion.number).label("number"))
              .group_by(QuestionVersion.question_id).subquery())
    query = (select(Question, QuestionVersion)
             .join(latest, latest.c.question_id == Question.id)
             .join(QuestionVersion, (QuestionVersion.question_id == Question.id)
                   & (QuestionVersion.number == latest.c.number))
             .where(Question.course_id == course.id))
    if tier is not None:
        query = query.where(_json_list_contains(QuestionVersion.tiers, tier))
    if audience:
        query = query.where(_json_list_contains(QuestionVersion.audiences, audience))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.order_by(Question.retired, Question.key)
                              .limit(PER_PAGE).offset((number - 1) * PER_PAGE)).all()
    return Page(items=rows, number=number, per_page=PER_PAGE, total=total)


def question(question_id: int) -> Question | None:
    return db.session.get(Question, question_id)


def latest_version(question: Question) -> QuestionVersion | None:
    return db.session.scalar(select(QuestionVersion).where(QuestionVersion.question_id == question.id)
                             .order_by(QuestionVersion.number.desc()).limit(1))


def recent_versions(question: Question, limit: int = 20) -> list[QuestionVersion]:
    return list(db.session.scalars(select(QuestionVersion).where(QuestionVersion.question_id == question.id)
                                   .order_by(QuestionVersion.number.desc()).limit(limit)))


def stored_asset(path: str) -> MediaAsset | None:
    """The editor names an image choice's picture ``images/<sha256>.<ext>`` (already stored)."""
    match = re.fullmatch(r"images/([0-9a-f]{64})\.\w+", path)
    return db.session.scalar(select(MediaAsset).where(MediaAsset.sha256 == match.group(1))) if match else None
