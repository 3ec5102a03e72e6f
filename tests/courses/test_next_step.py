"""The courses' next step on the home page: where to begin, then « encore 2 leçons avant le
quiz » for the course read last, nothing once it is done (the quizzes take over)."""

from __future__ import annotations

from sqlalchemy import select

from learnapp.courses import next_step, progress
from learnapp.courses.models import Lesson, LessonVersion
from learnapp.db import utcnow
from tests.quizzes.quiz_helpers import make_course
from tests.site.steps import counting_queries, link_of, next_steps


def read(db, user, course, slugs, *, done=True):
    now = utcnow()
    for slug in slugs:
        lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == slug))
        version = db.session.scalar(select(LessonVersion).where(LessonVersion.lesson_id == lesson.id))
        if done:
            progress.mark_done(user, lesson, version, now)
        else:
            progress.record_view(user, lesson, version, now)
    db.session.commit()


def test_nothing_started_says_where_to_begin(client, db, make_user, login):
    make_course(utcnow(), lessons=("les-marees", "chausey", "haute-ville"))
    login(make_user())
    steps = next_steps(client.get("/").get_data(as_text=True))
    assert "Commencez par un cours" in steps["courses"]
    assert link_of(steps["courses"]) == "/courses/"
    assert "quizzes" not in steps


def test_lessons_left_before_the_quiz_with_the_next_lesson_linked(client, db, make_user, login):
    course = make_course(utcnow(), lessons=("les-marees", "chausey", "haute-ville"))
    user = make_user()
    read(db, user, course, ["les-marees"])
    login(user)
    steps = next_steps(client.get("/").get_data(as_text=True))
    assert "Encore 2 leçons avant le quiz : « Granville Terre et Mer »" in steps["courses"]
    assert link_of(steps["courses"]) == "/courses/granville-terre-et-mer/chausey"

    read(db, user, course, ["haute-ville"])  # read out of order: chausey is still to do
    steps = next_steps(client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert "1 more lesson before the quiz: “Granville Terre et Mer”" in steps["courses"]
    assert link_of(steps["courses"]) == "/courses/granville-terre-et-mer/chausey"


def test_english_plural(client, db, make_user, login):
    course = make_course(utcnow(), lessons=("les-marees", "chausey", "haute-ville"))
    user = make_user()
    user.locale = "en"
    db.session.commit()
    read(db, user, course, ["les-marees"], done=False)  # opened, not finished: 3 left
    login(user)
    steps = next_steps(client.get("/").get_data(as_text=True))
    assert "3 more lessons before the quiz: “Granville Terre et Mer”" in steps["courses"]
    assert link_of(steps["courses"]) == "/courses/granville-terre-et-mer/les-marees"


def test_a_finished_course_leaves_no_course_step(client, db, make_user, login):
    course = make_course(utcnow())
    user = make_user()
    read(db, user, course, ["les-marees", "chausey"])
    login(user)
    assert "courses" not in next_steps(client.get("/").get_data(as_text=True))


def test_the_course_read_last_is_the_one_in_progress(app, db, make_user):
    first = make_course(utcnow(), slug="granville", lessons=("a", "b"))
    second = make_course(utcnow(), slug="chausey", lessons=("c", "d", "e"))
    user = make_user()
    read(db, user, first, ["a"])
    read(db, user, second, ["c"])
    lessons = next_step.lessons_of_current_course(user)
    assert [(course, lesson, done) for course, _title, lesson, done in lessons] == [
        ("chausey", "c", True), ("chausey", "d", False), ("chausey", "e", False)]


def test_one_query(app, db, make_user):
    course = make_course(utcnow())
    user = make_user()
    read(db, user, course, ["les-marees"])
    db.session.refresh(user)  # as in a request, where the signed-in user is already loaded
    with app.test_request_context("/"), counting_queries() as queries:
        next_step.lessons_of_current_course(user)
    assert len(queries) == 1
