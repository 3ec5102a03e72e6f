"""Item statistics: the pure rules (hand-computed examples) and the SQL aggregates on a real database."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learnapp.quizzes import stats
from learnapp.quizzes.stats import ItemSums
from tests.quizzes.quiz_helpers import rebuild_kept_stats

# The pure rules ----------------------------------------------------------------------------------


def test_facility_is_the_mean_credit():
    assert stats.facility(ItemSums.of([(1, 0), (0, 0), (0.5, 0), (0.5, 0)])) == 0.5
    assert stats.facility(ItemSums.of([(1, 3)] * 9 + [(0, 3)])) == 0.9
    assert stats.facility(ItemSums()) is None


def test_discrimination_by_hand():
    # x = credit, y = rest of the attempt. n=4, Σx=2, Σx²=2, Σy=10, Σy²=30, Σxy=7:
    # r = (4·7 − 2·10) / √((4·2 − 2²)(4·30 − 10²)) = 8 / √80 = 0.8944…
    strong_know_it = ItemSums.of([(1, 4), (1, 3), (0, 2), (0, 1)])
    assert strong_know_it == ItemSums(4, 2, 2, 10, 30, 7)
    assert stats.discrimination(strong_know_it) == pytest.approx(8 / math.sqrt(80))
    # The weakest get it right, the strongest do not: Σxy = 3, r = −8 / √80.
    backwards = ItemSums.of([(0, 4), (0, 3), (1, 2), (1, 1)])
    assert stats.discrimination(backwards) == pytest.approx(-8 / math.sqrt(80))
    # Unrelated to the rest: r = 0.
    assert stats.discrimination(ItemSums.of([(1, 4), (0, 4), (1, 1), (0, 1)])) == pytest.approx(0.0)


def test_discrimination_is_undefined_without_spread():
    assert stats.discrimination(ItemSums.of([(1, 3), (1, 2), (1, 0)])) is None  # everybody right
    assert stats.discrimination(ItemSums.of([(1, 2), (0, 2), (1, 2)])) is None  # same rest score
    assert stats.discrimination(ItemSums.of([(1, 2)])) is None


@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 30)), min_size=2, max_size=60))
def test_discrimination_is_a_correlation(pairs):
    value = stats.discrimination(ItemSums.of(pairs))
    assert value is None or -1.0 <= value <= 1.0
    facility = stats.facility(ItemSums.of(pairs))
    assert 0.0 <= facility <= 1.0


def test_option_frequencies_share_of_answered_items():
    options = [("a", "Deux fois", True), ("b", "Une fois", False), ("c", "Jamais", False)]
    found = stats.option_frequencies(options, {"a": 6, "b": 2}, 8)
    assert [(o.id, o.count, o.share) for o in found] == [("a", 6, 0.75), ("b", 2, 0.25), ("c", 0, 0.0)]
    assert [o.share for o in stats.option_frequencies(options, {}, 0)] == [None, None, None]


def sums(n, facility, rest=None):
    """n answers with the given facility; rest scores make the question discriminate positively."""
    right = round(n * facility)
    return ItemSums.of([(1, 5 + i % 3) for i in range(right)] + [(0, i % 3) for i in range(n - right)])


@pytest.mark.parametrize("facility, expected", [
    (0.1, [stats.FLAG_TOO_HARD]), (0.5, []), (1.0, [stats.FLAG_TOO_EASY]), (0.96, [stats.FLAG_TOO_EASY]),
])
def test_flags_on_facility(facility, expected):
    item = stats.item_stats(sums(100, facility))
    assert item.flags == expected


def test_flags_on_discrimination():
    negative = ItemSums.of([(0, 9)] * 15 + [(1, 1)] * 15)
    assert stats.item_stats(negative).flags == [stats.FLAG_NEGATIVE]
    weak = ItemSums.of([(1, 5), (0, 5), (1, 4), (0, 4)] * 10 + [(1, 6), (0, 5)])
    item = stats.item_stats(weak)
    assert 0 <= item.discrimination < stats.WEAK_DISCRIMINATION and item.flags == [stats.FLAG_WEAK]


def test_too_few_attempts_are_marked_and_never_flagged():
    item = stats.item_stats(sums(19, 0.05))
    assert item.few_attempts and item.flags == []
    assert not stats.item_stats(sums(20, 0.5)).few_attempts


def test_an_option_never_chosen_and_a_distractor_chosen_more_than_the_key():
    options = [("a", "Deux fois", True), ("b", "Une fois", False), ("c", "Jamais", False)]
    item = stats.item_stats(sums(40, 0.3), options=options, chosen={"a": 12, "b": 28}, answered=40,
                            question_type="single")
    assert stats.FLAG_UNUSED_OPTION in item.flags and stats.FLAG_DISTRACTOR_BEATS_KEY in item.flags
    # A multiple-answer question has several keys: a popular wrong option is not "beating" one.
    item = stats.item_stats(sums(40, 0.5), options=options, chosen={"a": 20, "b": 25, "c": 3}, answered=40,
                            question_type="multiple")
    assert item.flags == []


def test_pass_rates():
    row = stats.PassRate(1, "Découverte", "child", attempts=8, passed_attempts=6, learners=5, passed_learners=5,
                         mean_score=80.0)
    assert row.attempt_rate == 0.75 and row.learner_rate == 1.0
    assert stats.rate(0, 0) is None


# The SQL aggregates on a real database -------------------------------------------------------------

@pytest.fixture
def bank(db, now, make_user):
    """A course with one tier, three questions, and attempts written directly (the quiz services
    are tested on their own): six learners of known ability."""
    from learnapp.courses.models import Course
    from learnapp.quizzes.models import AttemptItem, Question, QuestionVersion, QuizAttempt, QuizTier

    course = Course(slug="granville", title="Granville", audiences=["child", "adult"], published=True)
    db.session.add(course)
    db.session.flush()
    tier = QuizTier(course_id=course.id, number=1, name="Découverte", questions_per_attempt=3, pass_mark=60,
                    cooldown_seconds=0)
    other_tier = QuizTier(course_id=course.id, number=2, name="Confirmé", questions_per_attempt=3, pass_mark=60,
                          cooldown_seconds=0)
    db.session.add_all([tier, other_tier])
    versions = {}
    for key, qtype, definition in [
        ("maree", "single", {"choices": [{"id": "a", "text": "Deux", "correct": True},
                                          {"id": "b", "text": "Une", "correct": False},
                                          {"id": "c", "text": "Jamais", "correct": False}]}),
        ("chausey", "true_false", {"answer": True}),
        ("dior", "short_text", {"answers": ["Dior"]}),
    ]:
        question = Question(course_id=course.id, key=key)
        db.session.add(question)
        db.session.flush()
        version = QuestionVersion(question_id=question.id, number=1, type=qtype, tiers=[1], audiences=["adult"],
                                  prompt_markdown=key, prompt_html=key, definition=definition, source_hash=key)
        db.session.add(version)
        versions[key] = version
    db.session.flush()

    # (audience, maree answer, chausey answer, dior credit) per learner; scores follow.
    plans = [
        ("adult", "a", True, 1.0), ("adult", "a", True, 1.0), ("adult", "a", False, 1.0),
        ("adult", "b", True, 0.0), ("child", "b", False, 0.0), ("child", "a", False, 0.0),
    ]
    for n, (audience, maree, chausey, dior) in enumerate(plans):
        user = make_user(age_group=audience)
        attempt = QuizAttempt(user_id=user.id, tier_id=tier.id, number=1, audience=audience, seed=n,
                              status="submitted", started_at=now - timedelta(minutes=30),
                              submitted_at=now - timedelta(minutes=20 - n))
        credits = [1.0 if maree == "a" else 0.0, 1.0 if chausey else 0.0, dior]
        attempt.score = round(100 * sum(credits) / 3, 2)
        attempt.passed = attempt.score >= 60
        db.session.add(attempt)
        db.session.flush()
        answers = [{"choice": maree}, {"value": chausey}, {"text": "Dior" if dior else "Monet"}]
        for position, (key, credit, answer) in enumerate(zip(versions, credits, answers, strict=True)):
            db.session.add(AttemptItem(attempt_id=attempt.id, position=position,
                                       question_version_id=versions[key].id, answer=answer, credit=credit))
    # An open attempt counts for nothing.
    learner = make_user()
    open_attempt = QuizAttempt(user_id=learner.id, tier_id=tier.id, number=1, audience="adult", seed=99,
                               status="open", started_at=now)
    db.session.add(open_attempt)
    db.session.flush()
    db.session.add(AttemptItem(attempt_id=open_attempt.id, position=0, question_version_id=versions["maree"].id,
                               answer={"choice": "c"}, credit=None))
    db.session.commit()
    rebuild_kept_stats(db)  # written directly, not graded: the page's kept sums come from the backfill
    return course, versions


def test_item_sums_are_computed_by_the_database(bank):
    from learnapp.quizzes import stats_queries

    course, versions = bank
    found = stats_queries.item_sums(course.id)
    maree = found[versions["maree"].id]
    # maree credits 1,1,1,0,0,1; rest scores (chausey + dior) 2,2,1,1,0,0.
    assert maree == ItemSums(6, 4.0, 4.0, 6.0, 10.0, 5.0)
    assert stats.facility(maree) == pytest.approx(4 / 6)
    expected = ItemSums.of([(1, 2), (1, 2), (1, 1), (0, 1), (0, 0), (1, 0)])
    assert stats.discrimination(maree) == pytest.approx(stats.discrimination(expected))
    assert found[versions["dior"].id].n == 6


def test_option_counts_come_from_grouped_answers(bank):
    from learnapp.quizzes import stats_queries

    course, versions = bank
    chosen, answered = stats_queries.answer_counts(course.id)
    assert chosen[versions["maree"].id] == {"a": 4, "b": 2}  # the open attempt's "c" is not counted
    assert chosen[versions["chausey"].id] == {"true": 3, "false": 3}
    assert answered[versions["maree"].id] == 6
    assert versions["dior"].id not in chosen  # not a choice question


def test_pass_rate_per_tier_and_age_group(bank):
    from learnapp.quizzes import stats_queries

    course, _ = bank
    rows = stats_queries.pass_rates(course.id)
    # Scores: 100, 100, 66.67, 33.33 (adults), 0, 33.33 (children); pass mark 60.
    assert [(r.tier_number, r.audience, r.attempts, r.passed_attempts, r.learners, r.passed_learners)
            for r in rows] == [(1, "adult", 4, 3, 4, 3), (1, "child", 2, 0, 2, 0)]
    assert rows[0].mean_score == pytest.approx((100 + 100 + 66.67 + 33.33) / 4)


def test_course_statistics_rows_and_cache(bank, db, now):
    from learnapp.quizzes import stats_queries
    from learnapp.quizzes.models import QuizAttempt

    course, versions = bank
    first = stats_queries.course_statistics(course.id)
    assert [row.key for row in first.rows] == ["chausey", "dior", "maree"]
    maree = next(row for row in first.rows if row.key == "maree")
    assert [(o.label, o.count) for o in maree.stats.options] == [("Deux", 4), ("Une", 2), ("Jamais", 0)]
    assert maree.stats.few_attempts and maree.stats.flags == [] and maree.latest
    assert stats_queries.course_statistics(course.id) is first  # same data version: cached
    # A new submission changes the data version: the page never shows stale numbers.
    attempt = db.session.scalar(db.select(QuizAttempt).where(QuizAttempt.status == "open"))
    attempt.status, attempt.submitted_at, attempt.score, attempt.passed = "submitted", now, 0.0, False
    db.session.commit()
    rebuild_kept_stats(db)
    second = stats_queries.course_statistics(course.id)
    assert second is not first
    assert next(row for row in second.rows if row.key == "maree").stats.n == 7


def test_statistics_of_a_course_without_attempts(db):
    from learnapp.courses.models import Course
    from learnapp.quizzes import stats_queries

    course = Course(slug="vide", title="Vide", audiences=["adult"])
    db.session.add(course)
    db.session.commit()
    result = stats_queries.course_statistics(course.id)
    assert result.rows == [] and result.pass_rates == []


# The demo's finished attempts ---------------------------------------------------------------------

def test_the_demo_cohort_takes_quizzes_through_the_services_once(db, now, monkeypatch):
    from sqlalchemy import func, select

    from learnapp.auth.models import User
    from learnapp.courses.models import Course
    from learnapp.quizzes import bank_import, demo, stats_queries
    from learnapp.quizzes.models import QuizAttempt, QuizTier

    course = Course(slug=demo.COURSE_SLUG, title="Granville", audiences=["child", "adult"], published=True)
    db.session.add(course)
    db.session.flush()
    for number in (1, 2):
        db.session.add(QuizTier(course_id=course.id, number=number, name=f"Niveau {number}", questions_per_attempt=4,
                                pass_mark=60, cooldown_seconds=3600, requires_course_done=True,
                                requires_previous_tier=True))
    db.session.flush()
    questions = []
    for tier in (1, 2):
        for audience in ("child", "adult"):
            prefix = f"t{tier}-{audience}"
            questions += [
                {"id": f"{prefix}-single", "type": "single", "tiers": [tier], "audiences": [audience], "prompt": "?",
                 "choices": [{"text": "Oui", "correct": True}, {"text": "Non"}, {"text": "Peut-être"}]},
                {"id": f"{prefix}-multiple", "type": "multiple", "tiers": [tier], "audiences": [audience],
                 "prompt": "?", "choices": [{"text": "A", "correct": True}, {"text": "B", "correct": True},
                                            {"text": "C"}]},
                {"id": f"{prefix}-tf", "type": "true_false", "tiers": [tier], "audiences": [audience], "prompt": "?",
                 "answer": False},
                {"id": f"{prefix}-num", "type": "numeric", "tiers": [tier], "audiences": [audience], "prompt": "?",
                 "min": 10, "max": 12},
                {"id": f"{prefix}-text", "type": "short_text", "tiers": [tier], "audiences": [audience],
                 "prompt": "?", "answers": ["Chausey"]},
                {"id": f"{prefix}-order", "type": "ordering", "tiers": [tier], "audiences": [audience],
                 "prompt": "?", "items": ["un", "deux", "trois"]},
                {"id": f"{prefix}-pairs", "type": "matching", "tiers": [tier], "audiences": [audience],
                 "prompt": "?", "pairs": [{"left": "a", "right": "1"}, {"left": "b", "right": "2"}]},
            ]
    report = bank_import.import_questions(course, questions, source="files", author=None, now=now)
    assert not report.problems
    db.session.commit()
    monkeypatch.setattr(demo, "COHORT", (("child", 6, "Élève"), ("adult", 8, "Visiteur")))

    messages = []
    demo.load_demo_attempts(messages.append, now=now)
    attempts = list(db.session.scalars(select(QuizAttempt)))
    assert attempts and all(a.status == "submitted" and a.submitted_at <= now for a in attempts)
    assert {a.audience for a in attempts} == {"child", "adult"}
    assert any(a.passed for a in attempts) and any(not a.passed for a in attempts)
    result = stats_queries.course_statistics(course.id)
    assert result.rows and result.pass_rates
    assert {row.type for row in result.rows} >= {"single", "multiple", "true_false", "numeric", "short_text",
                                                 "ordering", "matching"}
    assert "14 demo learners" in messages[-1]

    demo.load_demo_attempts(messages.append, now=now)  # again: nothing added
    assert messages[-1] == "Demo quiz attempts already exist."
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == len(attempts)
    children = db.session.scalars(select(User).where(User.display_name.like("Élève %"))).all()
    assert len(children) == 6 and all(child.email is None for child in children)


def test_the_demo_does_nothing_without_the_course(db):
    from learnapp.quizzes import demo

    messages = []
    demo.load_demo_attempts(messages.append)
    assert "nothing to do" in messages[0]
