"""Attempts through the services: draws, unlocks, time limits, attempts and cooldowns, resuming,
children's checked answers, versions pinned, and grading exactly once — even when two requests
submit at the same moment (two threads on a real database)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learnapp.auth.models import User
from learnapp.core.signals import tier_passed
from learnapp.courses import progress
from learnapp.extensions import db as _db
from learnapp.quizzes import attempts, rules, types
from learnapp.quizzes.models import AttemptItem, QuestionVersion, QuizAttempt, QuizTier
from tests.quizzes.quiz_helpers import add_questions, every_type, finish_course, make_course, make_tier, question


def right_answer(item: AttemptItem) -> dict:
    """The answer that earns the point, built from the definition (as only the server can)."""
    version = item.question_version
    definition = version.definition
    return {
        "single": lambda: {"choice": next(c["id"] for c in definition["choices"] if c["correct"])},
        "image_choice": lambda: {"choice": next(c["id"] for c in definition["choices"] if c["correct"])},
        "multiple": lambda: {"choices": sorted(c["id"] for c in definition["choices"] if c["correct"])},
        "true_false": lambda: {"value": definition["answer"]},
        "ordering": lambda: {"order": [i["id"] for i in definition["items"]]},
        "matching": lambda: {"pairs": {p["id"]: p["right_id"] for p in definition["pairs"]}},
        "numeric": lambda: {"value": definition["min"], "text": str(definition["min"])},
        "short_text": lambda: {"text": definition["answers"][0]},
    }[version.type]()


@pytest.fixture
def setup(db, now, make_user):
    """A course with every type of question for tier 1, a learner who finished the course."""
    course = make_course(now)
    tier = make_tier(course, 1, questions_per_attempt=8)
    add_questions(course, every_type(), now)
    learner = make_user()
    finish_course(learner, course, now)
    return course, tier, learner


def passed_events():
    events = []

    def receiver(sender, **kwargs):
        events.append((sender, kwargs))

    return events, receiver


# Drawing ---------------------------------------------------------------------------------------

def test_an_attempt_draws_the_tiers_questions_and_stores_how_they_look(setup, db, now):
    course, tier, learner = setup
    attempt = attempts.start_attempt(learner, tier, now, seed=42)
    db.session.commit()
    items = attempts.load_items(attempt)
    assert len(items) == 8 and [i.position for i in items] == list(range(1, 9))
    assert {i.question_version.type for i in items} == set(types.names())
    assert attempt.number == 1 and attempt.audience == "adult" and attempt.seed == 42 and attempt.deadline_at is None
    single = next(i for i in items if i.question_version.type == "single")
    choices = single.question_version.definition["choices"]
    assert sorted(single.presentation["order"]) == sorted(c["id"] for c in choices)


def test_the_same_seed_draws_and_shuffles_the_same_way(db, now, make_user):
    course = make_course(now)
    tier = make_tier(course, 1, questions_per_attempt=5, requires_course_done=False)
    add_questions(course, [question(f"q{n}") for n in range(20)], now)
    first, second = make_user(), make_user()
    a = attempts.start_attempt(first, tier, now, seed=7)
    b = attempts.start_attempt(second, tier, now, seed=7)
    c = attempts.start_attempt(make_user(), tier, now, seed=8)
    db.session.commit()

    def shape(attempt):
        return [(i.question_version_id, i.presentation) for i in attempts.load_items(attempt)]

    assert shape(a) == shape(b) and shape(a) != shape(c)


def test_a_child_gets_the_childrens_questions(db, now, make_user):
    course = make_course(now)
    tier = make_tier(course, 1, questions_per_attempt=10, requires_course_done=False)
    make_tier(course, 2)
    add_questions(course, [question("pour-enfant", audiences=("child",)), question("pour-adulte", audiences=("adult",)),
                           question("niveau-2", tiers=(2,), audiences=("child",))], now)
    child = make_user(age_group="child")
    attempt = attempts.start_attempt(child, tier, now)
    assert [i.question_version.question.key for i in attempts.load_items(attempt)] == ["pour-enfant"]
    assert attempt.audience == "child" and attempts.is_child_mode(attempt)


def test_retired_questions_are_never_drawn_and_the_latest_version_is(db, now, make_user):
    course = make_course(now)
    tier = make_tier(course, 1, questions_per_attempt=10, requires_course_done=False)
    add_questions(course, [question("vieille"), question("gardee")], now)
    add_questions(course, [question("gardee", prompt="Nouvelle version ?")], now)
    from learnapp.quizzes.models import Question

    db.session.scalar(select(Question).where(Question.key == "vieille")).retired = True
    db.session.commit()
    items = attempts.load_items(attempts.start_attempt(make_user(), tier, now))
    assert [(i.question_version.question.key, i.question_version.number) for i in items] == [("gardee", 2)]


def test_no_questions_for_the_tier(db, now, make_user):
    course = make_course(now)
    tier = make_tier(course, 1, requires_course_done=False)
    with pytest.raises(attempts.QuizError) as refused:
        attempts.start_attempt(make_user(), tier, now)
    assert refused.value.code == "no_questions"


# Unlocks ----------------------------------------------------------------------------------------

def test_a_tier_opens_when_the_course_is_done_and_the_previous_tier_passed(db, now, make_user):
    course = make_course(now)
    first = make_tier(course, 1, questions_per_attempt=1)
    second = make_tier(course, 2, questions_per_attempt=1)
    add_questions(course, [question("un"), question("deux", tiers=(2,))], now)
    learner = make_user()
    statuses = attempts.course_tiers(learner, course, now)
    assert [s.blockers for s in statuses] == [[rules.COURSE_NOT_DONE],
                                              [rules.COURSE_NOT_DONE, rules.PREVIOUS_TIER_NOT_PASSED]]
    with pytest.raises(attempts.QuizError) as refused:
        attempts.start_attempt(learner, first, now)
    assert refused.value.code == "locked" and refused.value.details["blockers"] == [rules.COURSE_NOT_DONE]
    finish_course(learner, course, now)
    with pytest.raises(attempts.QuizError):
        attempts.start_attempt(learner, second, now)
    attempt = attempts.start_attempt(learner, first, now)
    (item,) = attempts.load_items(attempt)
    attempts.submit_attempt(learner, attempt, now, answers={1: right_answer(item)})
    db.session.commit()
    assert attempts.tier_status(learner, second, now).is_open
    assert attempts.tier_status(learner, first, now).availability.code == rules.PASSED


# Saving, resuming, submitting ------------------------------------------------------------------

def test_answers_saved_as_the_learner_goes_survive_a_lost_connection(setup, db, now, app):
    course, tier, learner = setup
    attempt = attempts.start_attempt(learner, tier, now)
    items = attempts.load_items(attempt)
    attempts.save_answers(learner, attempt, {1: right_answer(items[0]), 2: right_answer(items[1])}, now)
    db.session.commit()
    attempt_id, learner_id, tier_id = attempt.id, learner.id, tier.id
    presentations = [i.presentation for i in items]
    db.session.remove()  # the tab is closed, the connection dropped
    learner = db.session.get(User, learner_id)
    resumed = attempts.start_attempt(learner, db.session.get(QuizTier, tier_id), now + timedelta(hours=2))
    assert resumed.id == attempt_id
    again = attempts.load_items(resumed)
    assert [i.presentation for i in again] == presentations
    assert [i.answer is not None for i in again] == [True, True] + [False] * 6


def test_submission_grades_every_item_and_sends_tier_passed_once(setup, db, now):
    course, tier, learner = setup
    attempt = attempts.start_attempt(learner, tier, now)
    items = attempts.load_items(attempt)
    answers = {i.position: right_answer(i) for i in items}
    answers[8] = None  # one left unanswered: 7 of 8 = 87.5 %
    events, receiver = passed_events()
    with tier_passed.connected_to(receiver):
        result = attempts.submit_attempt(learner, attempt, now, answers=answers)
        db.session.commit()
        again = attempts.submit_attempt(learner, attempt, now + timedelta(seconds=1),
                                        answers={8: right_answer(items[7])})
        db.session.commit()
    assert result.graded_now and not again.graded_now
    assert (attempt.status, attempt.score, attempt.passed, attempt.submitted_at) == ("submitted", 87.5, True, now)
    assert [i.credit for i in attempts.load_items(attempt)] == [1.0] * 7 + [0.0]
    assert len(events) == 1
    sender, kwargs = events[0]
    assert sender is learner and kwargs == {"course": course, "tier": tier, "score": 87.5, "attempt": attempt}


def test_a_failed_attempt_sends_nothing(setup, db, now):
    course, tier, learner = setup
    attempt = attempts.start_attempt(learner, tier, now)
    events, receiver = passed_events()
    with tier_passed.connected_to(receiver):
        attempts.submit_attempt(learner, attempt, now)
    assert attempt.score == 0.0 and attempt.passed is False and events == []


def test_two_simultaneous_submissions_grade_once(setup, db, app, now):
    """Two threads, two sessions, one attempt: the guarded UPDATE lets exactly one grade."""
    course, tier, learner = setup
    attempt = attempts.start_attempt(learner, tier, now)
    answers = {i.position: right_answer(i) for i in attempts.load_items(attempt)}
    db.session.commit()
    attempt_id, learner_id = attempt.id, learner.id
    db.session.remove()
    barrier = threading.Barrier(2)
    results, errors = [], []
    events, receiver = passed_events()

    def submit():
        try:
            with app.app_context():
                user = _db.session.get(User, learner_id)
                mine = _db.session.get(QuizAttempt, attempt_id)
                attempts.load_items(mine)
                barrier.wait(timeout=10)
                result = attempts.submit_attempt(user, mine, now, answers=answers)
                _db.session.commit()
                results.append(result.graded_now)
                _db.session.remove()
        except Exception as error:  # reported below: a failing thread must fail the test
            errors.append(error)

    with tier_passed.connected_to(receiver):
        threads = [threading.Thread(target=submit) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
    assert sorted(results) == [False, True]
    assert len(events) == 1
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert attempt.score == 100.0 and attempt.passed


def test_a_submission_after_the_deadline_counts_only_what_was_saved_in_time(db, now, make_user):
    course = make_course(now)
    tier = make_tier(course, 1, questions_per_attempt=2, time_limit_seconds=600, requires_course_done=False)
    add_questions(course, [question("a"), question("b")], now)
    learner = make_user()
    attempt = attempts.start_attempt(learner, tier, now)
    assert attempt.deadline_at == now + timedelta(minutes=10)
    first, second = attempts.load_items(attempt)
    attempts.save_answers(learner, attempt, {1: right_answer(first)}, now + timedelta(minutes=9))
    # Just after the deadline, within the grace: still taken.
    attempts.save_answers(learner, attempt, {1: right_answer(first)}, now + timedelta(minutes=10, seconds=10))
    late = now + timedelta(minutes=12)
    with pytest.raises(attempts.QuizError) as refused:
        attempts.save_answers(learner, attempt, {2: right_answer(second)}, late)
    assert refused.value.code == "late"
    result = attempts.submit_attempt(learner, attempt, late, answers={2: right_answer(second)})
    db.session.commit()
    assert result.late and result.graded_now
    assert attempt.score == 50.0 and attempt.submitted_at == attempt.deadline_at
    assert attempts.load_items(attempt)[1].answer is None


def test_an_expired_attempt_is_graded_before_the_next_one_starts(db, now, make_user):
    course = make_course(now)
    tier = make_tier(course, 1, questions_per_attempt=1, time_limit_seconds=60, cooldown_seconds=3600,
                     requires_course_done=False)
    add_questions(course, [question("a")], now)
    learner = make_user()
    first = attempts.start_attempt(learner, tier, now)
    db.session.commit()
    # The learner left; they come back the next day.
    second = attempts.start_attempt(learner, tier, now + timedelta(days=1))
    db.session.commit()
    assert first.status == "submitted" and first.submitted_at == now + timedelta(seconds=60) and first.score == 0
    assert second.number == 2 and second.status == "open"


def test_maximum_attempts_and_cooldown(db, now, make_user):
    course = make_course(now)
    tier = make_tier(course, 1, questions_per_attempt=1, max_attempts=2, cooldown_seconds=1800,
                     requires_course_done=False)
    add_questions(course, [question("a")], now)
    learner = make_user()
    attempts.submit_attempt(learner, attempts.start_attempt(learner, tier, now), now)
    with pytest.raises(attempts.QuizError) as refused:
        attempts.start_attempt(learner, tier, now + timedelta(minutes=29))
    assert refused.value.code == "cooldown" and refused.value.details["until"] == now + timedelta(minutes=30)
    later = now + timedelta(minutes=30)
    attempts.submit_attempt(learner, attempts.start_attempt(learner, tier, later), later)
    with pytest.raises(attempts.QuizError) as refused:
        attempts.start_attempt(learner, tier, later + timedelta(days=1))
    assert refused.value.code == "no_attempts_left"
    assert _db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 2


def test_starting_twice_resumes_the_open_attempt(setup, db, now):
    course, tier, learner = setup
    first = attempts.start_attempt(learner, tier, now)
    again = attempts.start_attempt(learner, tier, now + timedelta(minutes=1))
    assert first.id == again.id


# Children's mode ---------------------------------------------------------------------------------

def test_a_childs_checked_answer_is_final_and_keeps_its_credit(db, now, make_user):
    course = make_course(now)
    tier = make_tier(course, 1, questions_per_attempt=2, requires_course_done=False)
    add_questions(course, [question("a"), question("b")], now)
    child = make_user(age_group="child")
    attempt = attempts.start_attempt(child, tier, now)
    first, second = attempts.load_items(attempt)
    checked = attempts.check_item(child, attempt, 1, right_answer(first), now)
    db.session.commit()
    assert checked.credit == 1.0 and attempts.is_locked(checked)
    wrong = {"choice": next(c["id"] for c in first.question_version.definition["choices"] if not c["correct"])}
    with pytest.raises(attempts.QuizError) as refused:
        attempts.check_item(child, attempt, 1, wrong, now)
    assert refused.value.code == "answered"
    db.session.rollback()
    attempts.save_answers(child, attempt, {1: wrong}, now)  # ignored: the answer is final
    result = attempts.submit_attempt(child, attempt, now, answers={1: wrong})
    assert result.graded_now and attempt.score == 50.0
    assert attempts.load_items(attempt)[0].answer == right_answer(first)


# Versions ---------------------------------------------------------------------------------------

def test_an_attempt_keeps_the_versions_it_drew(setup, db, now):
    course, tier, learner = setup
    attempt = attempts.start_attempt(learner, tier, now)
    items = attempts.load_items(attempt)
    attempts.submit_attempt(learner, attempt, now, answers={i.position: right_answer(i) for i in items})
    db.session.commit()
    before = [(i.question_version_id, i.question_version.prompt_html) for i in attempts.load_items(attempt)]
    # Every question is edited afterwards, and its right answer moved.
    edited = [dict(q, prompt="Question réécrite ?", explanation="Autre explication.") for q in every_type()]
    edited[0]["choices"] = [{"text": "Bonne single-q"}, {"text": "Fausse single-q", "correct": True},
                            {"text": "Autre single-q"}]
    add_questions(course, edited, now)
    assert _db.session.scalar(select(func.count()).select_from(QuestionVersion)) == 16
    after = [(i.question_version_id, i.question_version.prompt_html) for i in attempts.load_items(attempt)]
    assert after == before and attempt.score == 100.0


def test_a_tier_asks_courses_whether_the_course_is_done_every_lesson_with_a_text(db, now, make_user):
    course = make_course(now)
    learner = make_user()
    assert not progress.is_course_done(learner, course)
    finish_course(learner, course, now)
    assert progress.is_course_done(learner, course)
    assert not progress.is_course_done(make_user(), course)
