"""The quizzes' next step on a signed-in person's home page (the ``next_step`` slot): a tier
that is open to them now (its course done, the tier before it passed) and not yet passed.

The same unlock rules as ``rules.blockers`` (used by ``attempts.course_tiers`` on the quiz
pages), written as one SQL query over the courses the person has started, so the home page
does not load every tier and attempt: the tests check that both agree.
"""

from __future__ import annotations

from flask import url_for
from markupsafe import Markup
from sqlalchemy import and_, bindparam, exists, func, not_, or_, select
from sqlalchemy.orm import aliased

from learnapp.core.i18n import _
from learnapp.core.next_steps import step
from learnapp.courses.models import Course, Lesson, LessonProgress, LessonVersion
from learnapp.extensions import db
from learnapp.quizzes import rules
from learnapp.quizzes.models import QuizAttempt, QuizTier


def _open_tier_statement():
    """Built once: building a select of this size costs more than running it (the home page
    asks on every signed-in visit)."""
    user_id = bindparam("user_id")
    tier = aliased(QuizTier)
    earlier = aliased(QuizTier)
    previous = aliased(QuizTier)
    started = select(LessonProgress.course_id).where(LessonProgress.user_id == user_id)
    passed = exists().where(QuizAttempt.tier_id == tier.id, QuizAttempt.user_id == user_id,
                            QuizAttempt.passed.is_(True))
    resuming = exists().where(QuizAttempt.tier_id == tier.id, QuizAttempt.user_id == user_id,
                              QuizAttempt.status == rules.OPEN)
    used = (select(func.count()).select_from(QuizAttempt)
            .where(QuizAttempt.tier_id == tier.id, QuizAttempt.user_id == user_id).scalar_subquery())
    lesson_left = exists().where(
        Lesson.course_id == tier.course_id,
        exists().where(LessonVersion.lesson_id == Lesson.id),
        not_(exists().where(LessonProgress.lesson_id == Lesson.id, LessonProgress.user_id == user_id,
                            LessonProgress.completed_version_id.is_not(None))))
    previous_number = (select(func.max(earlier.number))
                       .where(earlier.course_id == tier.course_id, earlier.number < tier.number)
                       .scalar_subquery())
    previous_passed = exists().where(
        previous.course_id == tier.course_id, previous.number == previous_number,
        QuizAttempt.tier_id == previous.id, QuizAttempt.user_id == user_id, QuizAttempt.passed.is_(True))
    return (select(Course.slug, Course.title, tier.number, tier.name, resuming)
            .join(Course, Course.id == tier.course_id)
            .where(Course.published.is_(True), tier.course_id.in_(started), not_(passed),
                   or_(tier.requires_course_done.is_(False), not_(lesson_left)),
                   or_(tier.requires_previous_tier.is_(False), previous_number.is_(None), previous_passed),
                   or_(tier.max_attempts.is_(None), and_(tier.max_attempts > used)))
            .order_by(tier.number, tier.id).limit(1))


_OPEN_TIER = _open_tier_statement()


def open_tier(user):
    """(course slug, course title, tier number, tier name, resuming) of the first tier open to
    ``user`` and not passed, in the courses they started; None when there is none."""
    row = db.session.execute(_OPEN_TIER, {"user_id": user.id}).first()
    return tuple(row) if row else None


def next_step(user=None, **_arguments) -> Markup | None:
    if user is None or not user.is_authenticated:
        return None
    found = open_tier(user)
    if found is None:
        return None
    course_slug, course_title, number, name, resuming = found
    if resuming:
        text = _("Reprenez votre quiz « %(name)s » : %(course)s", name=name, course=course_title)
    else:
        text = _("Le quiz « %(name)s » vous est ouvert : %(course)s", name=name, course=course_title)
    return step("quizzes", _("Quiz"), text, url_for("quizzes.tier", slug=course_slug, number=number))
