"""Course rules without an app: nearest text, gaps, progress and resume point."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learnapp.core.age_groups import ADULT, CHILD, TEEN
from learnapp.core.age_groups import ALL as AUDIENCES
from learnapp.courses import rules
from learnapp.courses.rules import DONE, NOT_STARTED, STARTED, LessonMark

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("audience, available, expected", [
    (CHILD, {CHILD, TEEN, ADULT}, CHILD),
    (CHILD, {TEEN, ADULT}, TEEN),
    (CHILD, {ADULT}, ADULT),
    (TEEN, {CHILD, TEEN, ADULT}, TEEN),
    (TEEN, {CHILD, ADULT}, ADULT),
    (TEEN, {CHILD}, CHILD),
    (ADULT, {CHILD, TEEN, ADULT}, ADULT),
    (ADULT, {CHILD, TEEN}, TEEN),
    (ADULT, {CHILD}, CHILD),
    (CHILD, set(), None),
])
def test_each_group_gets_its_own_text_or_the_nearest(audience, available, expected):
    assert rules.nearest_text(audience, available) == expected


def test_an_unknown_group_is_an_error_not_a_silent_choice():
    with pytest.raises(ValueError):
        rules.nearest_text("senior", {ADULT})


@given(st.sampled_from(AUDIENCES), st.sets(st.sampled_from(AUDIENCES)))
def test_nearest_text_is_always_one_of_the_texts_and_the_own_one_first(audience, available):
    chosen = rules.nearest_text(audience, available)
    if not available:
        assert chosen is None
    else:
        assert chosen in available
        assert (chosen == audience) == (audience in available)


def test_missing_audiences_lists_the_course_groups_without_text_in_order():
    assert rules.missing_texts([ADULT, CHILD, TEEN], [TEEN]) == [CHILD, ADULT]
    assert rules.missing_texts([TEEN, ADULT], [CHILD, TEEN, ADULT]) == []
    # A text for a group the course is not written for is not a gap of another group.
    assert rules.missing_texts([ADULT], [CHILD]) == [ADULT]


@given(st.sets(st.sampled_from(AUDIENCES)), st.sets(st.sampled_from(AUDIENCES)))
def test_missing_audiences_are_exactly_the_wanted_minus_the_present(wanted, present):
    assert set(rules.missing_texts(wanted, present)) == wanted - present


def test_a_new_learner_starts_at_the_first_lesson():
    progress = rules.course_progress([3, 1, 2], [])
    assert (progress.total, progress.done, progress.started) == (3, 0, 0)
    assert progress.next_lesson_id == 3 and not progress.resuming
    assert progress.states == {3: NOT_STARTED, 1: NOT_STARTED, 2: NOT_STARTED}
    assert progress.percent == 0 and not progress.complete and not progress.started_any


def test_resume_goes_to_the_lesson_last_seen_and_not_done():
    marks = [LessonMark(1, True, T0), LessonMark(2, False, T0 + timedelta(hours=1)),
             LessonMark(4, False, T0 + timedelta(hours=2)), LessonMark(3, True, T0 + timedelta(hours=3))]
    progress = rules.course_progress([1, 2, 3, 4, 5], marks)
    assert progress.next_lesson_id == 4 and progress.resuming
    assert progress.states == {1: DONE, 2: STARTED, 3: DONE, 4: STARTED, 5: NOT_STARTED}
    assert (progress.done, progress.started, progress.percent) == (2, 2, 40)


def test_when_nothing_is_half_read_the_next_is_the_first_not_done():
    marks = [LessonMark(1, True, T0), LessonMark(3, True, T0)]
    progress = rules.course_progress([1, 2, 3], marks)
    assert progress.next_lesson_id == 2 and not progress.resuming


def test_a_finished_course_has_no_next_lesson_and_is_complete():
    progress = rules.course_progress([1, 2], [LessonMark(1, True, T0), LessonMark(2, True, T0)])
    assert progress.complete and progress.percent == 100 and progress.next_lesson_id is None


def test_marks_of_lessons_no_longer_in_the_course_are_ignored():
    progress = rules.course_progress([1], [LessonMark(1, True, T0), LessonMark(9, False, T0)])
    assert progress.complete and progress.total == 1 and 9 not in progress.states


def test_an_empty_course_is_never_complete():
    progress = rules.course_progress([], [])
    assert not progress.complete and progress.percent == 0 and progress.next_lesson_id is None


@given(st.lists(st.integers(1, 30), unique=True, max_size=12), st.data())
def test_progress_counts_add_up_and_100_percent_means_complete(lesson_ids, data):
    marks = [LessonMark(i, data.draw(st.booleans()), T0 + timedelta(minutes=data.draw(st.integers(0, 99))))
             for i in data.draw(st.lists(st.sampled_from(lesson_ids), unique=True))] if lesson_ids else []
    progress = rules.course_progress(lesson_ids, marks)
    assert progress.done + progress.started + list(progress.states.values()).count(NOT_STARTED) == progress.total
    assert (progress.percent == 100) == progress.complete
    assert (progress.next_lesson_id is None) == (progress.done == progress.total)
    if progress.next_lesson_id is not None:
        assert progress.states[progress.next_lesson_id] != DONE


def test_neighbours_follow_the_course_order():
    assert rules.neighbours([5, 7, 9], 5) == (None, 7)
    assert rules.neighbours([5, 7, 9], 7) == (5, 9)
    assert rules.neighbours([5, 7, 9], 9) == (7, None)
    assert rules.neighbours([5, 7, 9], 4) == (None, None)


def test_a_reload_within_a_minute_is_not_rewritten_but_a_new_version_is():
    assert rules.view_needs_recording(None, None, 1, T0)
    assert not rules.view_needs_recording(1, T0, 1, T0 + timedelta(seconds=30))
    assert rules.view_needs_recording(1, T0, 2, T0 + timedelta(seconds=30))
    assert rules.view_needs_recording(1, T0, 1, T0 + timedelta(minutes=1))
