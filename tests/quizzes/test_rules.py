"""Quiz rules without an app: draws, scores, passing, unlocks, attempts, cooldowns, deadlines."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learnapp.quizzes import rules

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def attempt(number, status=rules.SUBMITTED, *, ended=None, deadline=None, passed=False):
    return rules.PastAttempt(number=number, status=status, submitted_at=ended, deadline_at=deadline,
                             passed=passed if status == rules.SUBMITTED else None)


# Draws ----------------------------------------------------------------------------------------

@given(st.sets(st.text(min_size=1, max_size=8), max_size=40), st.integers(0, 50), st.integers(0, 2**31 - 2))
def test_a_draw_is_reproducible_distinct_and_never_larger_than_asked(keys, count, seed):
    first = rules.draw(keys, count, seed)
    assert first == rules.draw(list(reversed(sorted(keys))), count, seed)  # input order does not matter
    assert len(first) == min(count, len(keys)) and len(set(first)) == len(first)
    assert set(first) <= keys


def test_different_seeds_give_different_draws():
    keys = [f"q{n}" for n in range(30)]
    assert len({tuple(rules.draw(keys, 10, seed)) for seed in range(20)}) > 15


def test_item_random_is_reproducible_per_position():
    assert rules.item_random(7, 1).random() == rules.item_random(7, 1).random()
    assert rules.item_random(7, 1).random() != rules.item_random(7, 2).random()


@pytest.mark.parametrize("learner, available, expected", [
    ("child", {"child", "adult"}, "child"),
    ("child", {"adult", "teen"}, "teen"),
    ("teen", {"child", "adult"}, "adult"),
    ("adult", {"child"}, "child"),
    ("adult", set(), None),
])
def test_the_learners_own_questions_first_then_the_nearest_group(learner, available, expected):
    assert rules.audience_to_draw(learner, available) == expected


# Scores ---------------------------------------------------------------------------------------

def test_score_is_the_share_of_points():
    assert rules.score_percent([1, 0, 0.5, 1]) == 62.5
    assert rules.score_percent([]) == 0.0
    assert rules.score_percent([1, 1, 1]) == 100.0


def test_pass_mark_is_compared_on_exact_points():
    # 7 points of 10 = 70 %: passes a 70 % mark, 6.9999 does not.
    assert rules.is_pass([1] * 7 + [0] * 3, 70)
    assert not rules.is_pass([1] * 6 + [0.9999] + [0] * 3, 70)
    assert not rules.is_pass([], 1)


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30), st.integers(1, 100))
def test_passing_agrees_with_the_score(credits, mark):
    score = rules.score_percent(credits)
    if rules.is_pass(credits, mark):
        assert score >= mark - 0.01
    else:
        assert score <= mark + 0.01


@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.none()), max_size=10))
def test_clamped_credits_stay_between_0_and_1(values):
    for value in values:
        assert 0.0 <= rules.clamp_credit(value) <= 1.0


@pytest.mark.parametrize("credit, kind", [(1.0, rules.RIGHT), (0.5, rules.PARTLY), (0.0, rules.WRONG),
                                          (None, rules.WRONG)])
def test_feedback_kind(credit, kind):
    assert rules.feedback(credit) == kind


# Unlocks --------------------------------------------------------------------------------------

def test_blockers_say_what_is_missing():
    assert rules.blockers(requires_course_done=True, course_done=False, requires_previous_tier=True,
                          previous_tier_passed=False) == [rules.COURSE_NOT_DONE, rules.PREVIOUS_TIER_NOT_PASSED]
    assert rules.blockers(requires_course_done=True, course_done=True, requires_previous_tier=True,
                          previous_tier_passed=True) == []
    # The first tier has no previous tier: nothing to pass before it.
    assert rules.blockers(requires_course_done=False, course_done=False, requires_previous_tier=True,
                          previous_tier_passed=None) == []


# Attempts -------------------------------------------------------------------------------------

def test_a_first_attempt_is_available():
    assert rules.availability([], max_attempts=3, cooldown_seconds=600, now=NOW) == rules.Availability(
        rules.AVAILABLE, attempts_left=3)


def test_cooldown_runs_from_the_end_of_the_latest_attempt():
    ended = NOW - timedelta(minutes=20)
    state = rules.availability([attempt(1, ended=ended)], max_attempts=None, cooldown_seconds=1800, now=NOW)
    assert state.code == rules.COOLDOWN and state.until == ended + timedelta(minutes=30)
    later = rules.availability([attempt(1, ended=ended)], max_attempts=None, cooldown_seconds=1800,
                               now=NOW + timedelta(minutes=10))
    assert later.code == rules.AVAILABLE


def test_maximum_attempts():
    done = [attempt(1, ended=NOW - timedelta(days=2)), attempt(2, ended=NOW - timedelta(days=1))]
    assert rules.availability(done, max_attempts=2, cooldown_seconds=0, now=NOW).code == rules.NO_ATTEMPTS_LEFT
    assert rules.availability(done, max_attempts=3, cooldown_seconds=0, now=NOW).attempts_left == 1


def test_a_passed_tier_takes_no_more_attempts():
    state = rules.availability([attempt(1, ended=NOW, passed=True)], max_attempts=None, cooldown_seconds=0, now=NOW)
    assert state.code == rules.PASSED and not state.may_start


def test_an_open_attempt_is_resumed_until_its_deadline_then_expired():
    open_one = [attempt(1, rules.OPEN, deadline=NOW + timedelta(minutes=5))]
    assert rules.availability(open_one, max_attempts=1, cooldown_seconds=0, now=NOW).code == rules.RESUME
    late = NOW + timedelta(minutes=5) + rules.GRACE + timedelta(seconds=1)
    assert rules.availability(open_one, max_attempts=1, cooldown_seconds=0, now=late).code == rules.EXPIRED


def test_a_blocked_tier_is_locked():
    assert rules.availability([], max_attempts=None, cooldown_seconds=0, now=NOW, blocked=True).code == rules.LOCKED


def test_deadlines_and_grace():
    assert rules.deadline(NOW, None) is None
    deadline = rules.deadline(NOW, 900)
    assert deadline == NOW + timedelta(minutes=15)
    assert not rules.is_past_deadline(deadline + rules.GRACE, deadline)
    assert rules.is_past_deadline(deadline + rules.GRACE + timedelta(microseconds=1), deadline)
    assert not rules.is_past_deadline(NOW + timedelta(days=300), None)
    # An attempt handed in late counts as finished at its deadline.
    assert rules.finished_at(deadline + timedelta(hours=3), deadline) == deadline
    assert rules.finished_at(NOW, deadline) == NOW


def test_next_number():
    assert rules.next_number([]) == 1
    assert rules.next_number([1, 3, 2]) == 4


# Short answers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["îles Chausey", "ILES CHAUSEY", "  iles-chausey ", "Îles  Chausey !", "ileschausey"])
def test_short_answers_ignore_case_accents_spaces_and_punctuation(text):
    assert rules.fold_text(text) == "ileschausey"


def test_ligatures_fold_too():
    assert rules.fold_text("Cœur") == rules.fold_text("coeur")
    assert rules.fold_text("Chausey") != rules.fold_text("Granville")
