"""The quizzes' next step on the home page: a tier now open (course done, tier before passed),
« reprenez » for an attempt in progress; the one SQL query agrees with the quiz pages' rules."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from learnapp.courses.models import Lesson, LessonProgress, LessonVersion
from learnapp.db import utcnow
from learnapp.quizzes import attempts, next_step
from learnapp.quizzes.models import QuizAttempt
from tests.quizzes.quiz_helpers import add_questions, finish_course, make_course, make_tier, question
from tests.quizzes.test_attempts import right_answer
from tests.site.steps import counting_queries, link_of, next_steps


def course_with_tiers(now, **tier_settings):
    course = make_course(now)
    first = make_tier(course, 1, questions_per_attempt=1, **tier_settings)
    second = make_tier(course, 2, questions_per_attempt=1)
    add_questions(course, [question("un"), question("deux", tiers=(2,))], now)
    return course, first, second


def pass_tier(db, user, tier, now):
    attempt = attempts.start_attempt(user, tier, now)
    (item,) = attempts.load_items(attempt)
    attempts.submit_attempt(user, attempt, now, answers={1: right_answer(item)})
    db.session.commit()


def test_a_tier_opens_when_the_course_is_done(client, db, make_user, login):
    now = utcnow()
    course, first, _second = course_with_tiers(now)
    user = make_user()
    login(user)
    assert "quizzes" not in next_steps(client.get("/").get_data(as_text=True))  # nothing started

    finish_course(user, course, now)
    steps = next_steps(client.get("/").get_data(as_text=True))
    assert "Le quiz « Découverte » vous est ouvert : Granville Terre et Mer" in steps["quizzes"]
    assert link_of(steps["quizzes"]) == "/quizzes/courses/granville-terre-et-mer/tiers/1"
    assert "courses" not in steps  # the course is done: no lesson left

    pass_tier(db, user, first, now)
    steps = next_steps(client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert "The “Confirmé” quiz is open to you: Granville Terre et Mer" in steps["quizzes"]
    assert link_of(steps["quizzes"]) == "/quizzes/courses/granville-terre-et-mer/tiers/2"


def test_an_attempt_in_progress_is_resumed(client, db, make_user, login):
    now = utcnow()
    course, first, _second = course_with_tiers(now)
    user = make_user()
    finish_course(user, course, now)
    attempts.start_attempt(user, first, now)
    db.session.commit()
    login(user)
    steps = next_steps(client.get("/").get_data(as_text=True))
    assert "Reprenez votre quiz « Découverte » : Granville Terre et Mer" in steps["quizzes"]


def test_lessons_left_keep_the_tier_closed(client, db, make_user, login):
    now = utcnow()
    course, _first, _second = course_with_tiers(now)
    user = make_user()
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position))
    version = db.session.scalar(select(LessonVersion).where(LessonVersion.lesson_id == lesson.id))
    db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, course_id=course.id,
                                  last_version_id=version.id, completed_version_id=version.id,
                                  first_seen_at=now, last_seen_at=now, completed_at=now))
    db.session.commit()
    login(user)
    steps = next_steps(client.get("/").get_data(as_text=True))
    assert "Encore 1 leçon avant le quiz" in steps["courses"]
    assert "quizzes" not in steps


def test_no_attempt_left_is_no_open_tier(app, db, make_user):
    now = utcnow()
    course, first, _second = course_with_tiers(now, max_attempts=1)
    user = make_user()
    finish_course(user, course, now)
    attempt = attempts.start_attempt(user, first, now)
    attempts.submit_attempt(user, attempt, now, answers={1: None})  # failed, and it was the only try
    db.session.commit()
    assert next_step.open_tier(user) is None


@pytest.mark.parametrize("course_done, first_passed, requires_course, requires_previous",
                         list(itertools.product([False, True], repeat=4)))
def test_the_query_agrees_with_the_quiz_pages(app, db, make_user, course_done, first_passed,
                                              requires_course, requires_previous):
    """Whatever the state, the home page names the first tier the quiz pages show as open."""
    now = utcnow()
    course = make_course(now)
    first = make_tier(course, 1, questions_per_attempt=1, requires_course_done=requires_course)
    make_tier(course, 2, questions_per_attempt=1, requires_course_done=requires_course,
              requires_previous_tier=requires_previous)
    add_questions(course, [question("un"), question("deux", tiers=(2,))], now)
    user = make_user()
    if course_done:
        finish_course(user, course, now)
    else:  # started: one lesson opened
        lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))
        version = db.session.scalar(select(LessonVersion).where(LessonVersion.lesson_id == lesson.id))
        db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, course_id=course.id,
                                      last_version_id=version.id, first_seen_at=now, last_seen_at=now))
        db.session.commit()
    if first_passed:
        db.session.add(QuizAttempt(user_id=user.id, tier_id=first.id, number=1, audience="adult", seed=1,
                                   status="submitted", started_at=now, submitted_at=now, score=100.0,
                                   passed=True))
        db.session.commit()
    expected = next((status.tier.number for status in attempts.course_tiers(user, course, now)
                     if status.is_open and status.availability.code != "passed"), None)
    found = next_step.open_tier(user)
    assert (found[2] if found else None) == expected


def test_one_query(app, db, make_user):
    now = utcnow()
    course, _first, _second = course_with_tiers(now)
    user = make_user()
    finish_course(user, course, now)
    db.session.refresh(user)
    with counting_queries() as queries:
        assert next_step.open_tier(user)[2] == 1
    assert len(queries) == 1
