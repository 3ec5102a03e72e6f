"""The dashboard's rates come from the counts grading keeps, not from the attempts: "everything"
from the quizzes' (quiz_tier_stat), each month, season, school year and year from the office's
(office/period_rates.py). After random attempts graded through the quiz service around a
month's first midnight in Paris, both equal the raw rows counted by hand (oracle.py), for every
age group; the rates counted from the attempts agree with them over a period holding every
attempt; and the rebuild gives the rows grading kept."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from learnapp.extensions import db as _db
from learnapp.office import period_rates, queries, rules
from learnapp.quizzes.models import QuizAttempt
from tests.office import oracle
from tests.quizzes.quiz_helpers import add_questions, every_type, make_course, make_tier, question, take

_courses = itertools.count(1)


def _bank(now, slug: str):
    course = make_course(now, slug=slug)
    tier_1 = make_tier(course, 1, questions_per_attempt=4, requires_course_done=False)
    tier_2 = make_tier(course, 2, questions_per_attempt=3, requires_course_done=False, requires_previous_tier=False)
    add_questions(course, every_type() + [question(f"t2-{n}", "single", tiers=(2,)) for n in range(4)], now)
    return [tier_1, tier_2]


def _people(tier_ids) -> set[int]:
    return set(_db.session.scalars(select(QuizAttempt.user_id).where(QuizAttempt.tier_id.in_(tier_ids))))


def _totals(counts) -> dict:
    by_age: dict = {}
    for c in counts:
        tried, certified = by_age.get(c.age_group, (0, 0))
        by_age[c.age_group] = (tried + c.tried, certified + c.certified)
    return by_age


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # no shrinking: each example grades attempts
@given(plan=st.lists(st.tuples(st.sampled_from(["child", "teen", "adult"]), st.integers(1, 3),
                               st.sampled_from([0, 1]), st.floats(0, 1)), min_size=1, max_size=6),
       seed=st.integers(0, 2**31))
def test_everything_rates_from_kept_counts_equal_the_raw_rows(app, db, now, make_user, plan, seed):
    tiers = _bank(now - timedelta(days=60), f"taux-{next(_courses)}")
    rng = random.Random(seed)
    # Half-hour steps from 21:00 UTC on 31 October: the first ones in October in Paris, the ones
    # from 23:00 UTC (midnight in Paris, winter time) in November — another month and season.
    when = datetime(2026, 10, 31, 21, 0, tzinfo=UTC) - timedelta(minutes=30)
    for age_group, tries, tier_index, p_right in plan:
        learner = make_user(age_group=age_group)
        for _ in range(tries):
            when += timedelta(minutes=30)
            take(learner, tiers[tier_index], when, rng, p_right, 0.0)
            _db.session.commit()
    everything = rules.parse_period("all", None, date.today())
    wide = rules.Period("year", "", date(2000, 1, 1), date(2100, 1, 1))  # read from the attempts
    ours = {tier.id for tier in tiers}  # this example's course (examples share the database)
    for age in (rules.AGE_ALL, "child", "teen", "adult"):
        kept = [c for c in queries.certification_counts(everything, age) if c.tier_id in ours]
        expected = oracle.rates(everything, age)
        by_tier: dict = {}
        for c in kept:  # one row per tier and age group: a tier's people add up over the groups
            tried, certified = by_tier.get(c.tier_id, (0, 0))
            by_tier[c.tier_id] = (tried + c.tried, certified + c.certified)
        assert by_tier == {tier_id: counts for tier_id, counts in expected["tier"].items() if tier_id in ours}
        counted = [c for c in queries.certification_counts(wide, age) if c.tier_id in ours]
        assert _totals(kept) == _totals(counted)
        if age == rules.AGE_ALL:
            assert sum(by_tier.values(), ()) and _totals(kept) == {
                group: counts for group, counts in oracle.rates(everything, rules.AGE_ALL, people=_people(ours))[
                    "age"].items()}

    # Each month, season, school year and year holding an attempt, read from the kept rows.
    ours_only = lambda counts: sorted((c.tier_id, c.age_group, c.tried, c.certified)  # noqa: E731
                                      for c in counts if c.tier_id in ours)
    periods = {p for moment in _db.session.scalars(select(QuizAttempt.submitted_at).where(
        QuizAttempt.tier_id.in_(ours), QuizAttempt.submitted_at.is_not(None)))
        for p in period_rates.periods_holding(moment)}
    assert {p.kind for p in periods} == set(period_rates.KINDS)
    for period in periods:
        for age in (rules.AGE_ALL, "child", "adult"):
            kept = ours_only(queries.certification_counts(period, age))
            assert kept == ours_only(queries.asked_certification_counts(period, age)), (period, age)
            expected = oracle.rates(period, age)["tier"]
            by_tier: dict = {}
            for tier_id, _group, tried, certified in kept:
                before = by_tier.get(tier_id, (0, 0))
                by_tier[tier_id] = (before[0] + tried, before[1] + certified)
            assert by_tier == {t: counts for t, counts in expected.items() if t in ours}, (period, age)
    graded = sorted(_db.session.execute(select(period_rates.PeriodRate.period, period_rates.PeriodRate.tier_id,
                                               period_rates.PeriodRate.audience, period_rates.PeriodRate.tried,
                                               period_rates.PeriodRate.certified)).all())
    period_rates.rebuild()
    assert sorted(_db.session.execute(select(period_rates.PeriodRate.period, period_rates.PeriodRate.tier_id,
                                             period_rates.PeriodRate.audience, period_rates.PeriodRate.tried,
                                             period_rates.PeriodRate.certified)).all()) == graded
    _db.session.rollback()
