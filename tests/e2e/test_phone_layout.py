"""Phone first: at 390 px wide no page scrolls sideways (wide tables scroll inside their box)."""

import pytest
from sqlalchemy import select

from learnapp.courses.models import Course, Lesson
from learnapp.quizzes.models import Question
from tests.e2e.conftest import log_in, sideways_overflow

pytestmark = pytest.mark.e2e



def test_no_page_scrolls_sideways_on_a_phone(app, db, runner, page, make_user):
    result = runner.invoke(args=["content", "load"])  # the repository's real course and quizzes
    assert result.exit_code == 0, result.output
    course = db.session.scalar(select(Course))
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))
    question = db.session.scalar(select(Question).where(Question.course_id == course.id))
    admin = make_user("admin")

    log_in(page, admin)

    paths = [
        "/", "/office/", "/courses/", f"/courses/{course.slug}", f"/courses/{course.slug}/{lesson.slug}",
        f"/courses/{course.slug}/{lesson.slug}?audience=child", "/account", "/admin/users",
        "/office/mail/", "/office/courses/", f"/office/courses/{course.id}",
        f"/office/courses/{course.id}/lessons/{lesson.id}",
        f"/office/courses/{course.id}/lessons/{lesson.id}/child",
        "/office/quizzes/", f"/office/quizzes/{course.id}/questions",
        f"/office/quizzes/questions/{question.id}", f"/office/quizzes/{course.id}/import",
        f"/office/quizzes/{course.id}/statistics", f"/quizzes/courses/{course.slug}/tiers/1",
    ]
    too_wide = {}
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        overflow = sideways_overflow(page)
        if overflow > 0:
            too_wide[path] = overflow
    assert too_wide == {}
