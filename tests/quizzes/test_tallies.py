"""The statistics' kept sums and counts: equal to a recomputation from the raw rows after random
attempts graded through the services, after simultaneous gradings (threads, real database), and
after a rebuild (the backfill), which is idempotent."""

from __future__ import annotations

import itertools
import random
import threading
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from learnapp.auth.models import User
from learnapp.extensions import db as _db
from learnapp.quizzes import attempts, stats_queries, tallies, types
from learnapp.quizzes.models import QuizAttempt, QuizItemStat, QuizTierStat
from tests.quizzes.quiz_helpers import add_questions, every_type, make_course, make_tier, question, take

_courses = itertools.count(1)


def assert_kept_equals_raw(course_id: int) -> None:
    """What the page reads (kept) equals what the raw rows give (recomputed by grouped SQL)."""
    kept_sums, kept_answered = stats_queries.kept_item_sums(course_id)
    raw_sums = stats_queries.item_sums(course_id)
    assert set(kept_sums) == set(raw_sums)
    for version_id, raw in raw_sums.items():
        kept = kept_sums[version_id]
        assert kept.n == raw.n
        for name in ("sum_x", "sum_xx", "sum_y", "sum_yy", "sum_xy"):
            assert getattr(kept, name) == pytest.approx(getattr(raw, name), rel=1e-9, abs=1e-9), name
    raw_chosen, raw_answered = stats_queries.answer_counts(course_id)
    assert stats_queries.kept_option_counts(course_id) == raw_chosen
    assert {k: v for k, v in kept_answered.items() if v} == raw_answered

    def tiers(rows):
        return {(r["tier_id"], r["audience"]): (r["attempts"], r["passed_attempts"], r["learners"],
                                                r["passed_learners"], r["scored"], round(r["sum_score"], 6),
                                                r["last_submitted_at"]) for r in rows}

    assert tiers(stats_queries.kept_tier_counts(course_id)) == tiers(stats_queries.tier_counts(course_id))


def make_bank(now, slug: str):
    """Two tiers; every question type for every age group in tier 1, a few in tier 2."""
    course = make_course(now, slug=slug)
    tier_1 = make_tier(course, 1, questions_per_attempt=6, requires_course_done=False)
    tier_2 = make_tier(course, 2, questions_per_attempt=3, requires_course_done=False, requires_previous_tier=False)
    add_questions(course, every_type() + [question(f"t2-{n}", "single", tiers=(2,)) for n in range(4)]
                  + [question("t2-tf", "true_false", tiers=(2,))], now)
    return course, [tier_1, tier_2]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(st.tuples(st.sampled_from(["child", "teen", "adult"]), st.integers(1, 3),
                               st.sampled_from([0, 1]), st.floats(0, 1), st.floats(0, 0.3)),
                     min_size=1, max_size=8),
       seed=st.integers(0, 2**31))
def test_kept_sums_equal_a_recomputation_after_random_attempts(db, now, make_user, plan, seed):
    course, tiers = make_bank(now, f"hasard-{next(_courses)}")
    rng = random.Random(seed)
    when = now - timedelta(days=10)
    for age_group, tries, tier_index, p_right, p_blank in plan:
        learner = make_user(age_group=age_group)
        for _ in range(tries):
            when += timedelta(minutes=30)
            take(learner, tiers[tier_index], when, rng, p_right, p_blank)
            _db.session.commit()
    assert_kept_equals_raw(course.id)
    # The page's numbers are those of the raw rows.
    shown = {row.version_id: row.stats for row in stats_queries.course_statistics(course.id).rows}
    for version_id, raw in stats_queries.item_sums(course.id).items():
        assert shown[version_id].n == raw.n
    assert [(r.tier_number, r.audience, r.attempts, r.passed_attempts, r.learners, r.passed_learners)
            for r in stats_queries.course_statistics(course.id).pass_rates] == \
        [(r.tier_number, r.audience, r.attempts, r.passed_attempts, r.learners, r.passed_learners)
         for r in stats_queries.pass_rates(course.id)]


def test_a_learner_counts_once_per_tier_and_age_group_and_passes_once(db, now, make_user):
    course, tiers = make_bank(now, "une-fois")
    learner = make_user(age_group="teen")
    rng = random.Random(3)
    take(learner, tiers[0], now - timedelta(days=3), rng, p_right=0.0, p_blank=0.0)  # fails
    take(learner, tiers[0], now - timedelta(days=2), rng, p_right=0.0, p_blank=0.0)  # fails again
    take(learner, tiers[0], now - timedelta(days=1), rng, p_right=1.0, p_blank=0.0)  # passes
    db.session.commit()
    row = db.session.scalar(select(QuizTierStat).where(QuizTierStat.tier_id == tiers[0].id))
    assert (row.attempts, row.passed_attempts, row.learners, row.passed_learners) == (3, 1, 1, 1)
    assert_kept_equals_raw(course.id)


def test_a_rebuild_gives_the_same_numbers_and_is_idempotent(db, now, make_user, runner):
    course, tiers = make_bank(now, "reconstruit")
    rng = random.Random(11)
    for n in range(6):
        take(make_user(age_group=("child", "adult")[n % 2]), tiers[n % 2], now - timedelta(hours=n + 1), rng,
             p_right=0.6, p_blank=0.1)
    db.session.commit()
    before = (stats_queries.kept_item_sums(course.id), stats_queries.kept_option_counts(course.id))
    version = stats_queries.data_version(course.id)
    for _ in range(2):  # twice: the same result
        result = runner.invoke(args=["quizzes", "rebuild-stats"])
        assert result.exit_code == 0, result.output
        assert "6 attempts" in result.output
        db.session.expire_all()
        assert_kept_equals_raw(course.id)
        after = (stats_queries.kept_item_sums(course.id), stats_queries.kept_option_counts(course.id))
        assert after[1] == before[1] and after[0][1] == before[0][1]
        assert {k: v.n for k, v in after[0][0].items()} == {k: v.n for k, v in before[0][0].items()}
    assert stats_queries.data_version(course.id)[:3] == version[:3]
    assert runner.invoke(args=["quizzes", "rebuild-stats", "--course", course.slug]).exit_code == 0
    assert_kept_equals_raw(course.id)
    result = runner.invoke(args=["quizzes", "rebuild-stats", "--course", "nope"])
    assert result.exit_code != 0 and "no course 'nope'" in result.output


def test_a_rebuild_restores_numbers_after_attempts_are_deleted(db, now, make_user):
    """Attempts removed with their account leave the kept counts behind until a rebuild."""
    course, tiers = make_bank(now, "efface")
    rng = random.Random(5)
    learners = [make_user() for _ in range(3)]
    for learner in learners:
        take(learner, tiers[0], now - timedelta(hours=1), rng, p_right=0.5, p_blank=0.0)
    db.session.commit()
    db.session.delete(db.session.get(User, learners[0].id))
    db.session.commit()
    assert db.session.scalar(select(func.sum(QuizTierStat.attempts))) == 3  # still counted
    tallies.rebuild()
    db.session.commit()
    assert db.session.scalar(select(func.sum(QuizTierStat.attempts))) == 2
    assert_kept_equals_raw(course.id)


def test_simultaneous_gradings_lose_no_increment(db, app, now, make_user):
    """Eight learners hand in at the same moment (eight threads, eight sessions): every increment
    of the shared rows (same question versions, same tier and age group) is kept."""
    course = make_course(now, slug="ensemble")
    tier = make_tier(course, 1, questions_per_attempt=3, requires_course_done=False)
    add_questions(course, [question("a", "single"), question("b", "true_false"), question("c", "multiple")], now)
    prepared = []
    for n in range(8):
        learner = make_user()
        attempt = attempts.start_attempt(learner, tier, now, seed=n + 1)
        items = attempts.load_items(attempt)
        rng = random.Random(n)
        values = {}
        for item in items:
            version = item.question_version
            parts = types.get(version.type).demo_values(version.definition, n % 3 != 0, rng)
            name = attempts.field_name(item)
            values.update({f"{name}-{part}" if part else name: value for part, value in parts.items()})
        answers, errors = attempts.parse_answers(items, MultiDict(values))
        assert not errors
        prepared.append((learner.id, attempt.id, answers))
    db.session.commit()
    course_id, tier_id = course.id, tier.id
    db.session.remove()
    barrier = threading.Barrier(len(prepared))
    errors: list[Exception] = []

    def submit(learner_id, attempt_id, answers):
        try:
            with app.app_context():
                user = _db.session.get(User, learner_id)
                mine = _db.session.get(QuizAttempt, attempt_id)
                barrier.wait(timeout=20)
                attempts.submit_attempt(user, mine, now + timedelta(minutes=2), answers=answers)
                _db.session.commit()
                _db.session.remove()
        except Exception as error:  # reported below: a failing thread must fail the test
            errors.append(error)

    threads = [threading.Thread(target=submit, args=args) for args in prepared]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert db.session.scalar(select(func.sum(QuizItemStat.n))) == 8 * 3
    assert db.session.scalar(select(QuizTierStat.attempts).where(QuizTierStat.tier_id == tier_id)) == 8
    assert_kept_equals_raw(course_id)
