"""The courses' next step on a signed-in person's home page (the ``next_step`` slot):
« Encore 2 leçons avant le quiz » for the course they read last, or where to begin."""

from __future__ import annotations

from flask import url_for
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import bindparam, exists, select

from learnapp.core.i18n import _
from learnapp.core.next_steps import step
from learnapp.courses.models import Course, Lesson, LessonProgress, LessonVersion
from learnapp.extensions import db


def _current_course_statement():
    """Built once (like reading._OUTLINE): the home page runs it on every signed-in visit."""
    user_id = bindparam("user_id")
    current = (select(LessonProgress.course_id).where(LessonProgress.user_id == user_id)
               .order_by(LessonProgress.last_seen_at.desc(), LessonProgress.id.desc())
               .limit(1).scalar_subquery())
    done = exists().where(LessonProgress.lesson_id == Lesson.id, LessonProgress.user_id == user_id,
                          LessonProgress.completed_version_id.is_not(None))
    has_text = exists().where(LessonVersion.lesson_id == Lesson.id)
    return (select(Course.slug, Course.title, Lesson.slug, done)
            .join(Course, Course.id == Lesson.course_id)
            .where(Lesson.course_id == current, Course.published.is_(True), has_text)
            .order_by(Lesson.position, Lesson.id))


_CURRENT_COURSE = _current_course_statement()


def lessons_of_current_course(user) -> list[tuple[str, str, str, bool]]:
    """(course slug, course title, lesson slug, done) for each readable lesson, in order, of the
    published course the person read last; empty when they have read nothing yet. One query:
    the course comes from their latest progress row (user index), the lessons from the course's."""
    return [tuple(row) for row in db.session.execute(_CURRENT_COURSE, {"user_id": user.id})]


def next_step(user=None, **_arguments) -> Markup | None:
    if user is None or not user.is_authenticated:
        return None
    lessons = lessons_of_current_course(user)
    if not lessons:
        return step("courses", _("Cours"), _("Commencez par un cours : une leçon se lit en quelques minutes"),
                    url_for("courses.catalogue"))
    left = [lesson_slug for _slug, _title, lesson_slug, done in lessons if not done]
    if not left:
        return None  # the course is done: the quizzes say what comes next
    course_slug, course_title = lessons[0][0], lessons[0][1]
    text = ngettext("Encore %(num)s leçon avant le quiz : « %(course)s »",
                    "Encore %(num)s leçons avant le quiz : « %(course)s »", len(left), course=course_title)
    return step("courses", _("Cours"), text, url_for("courses.lesson", slug=course_slug, lesson_slug=left[0]))
