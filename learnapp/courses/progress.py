"""A learner's progress in lessons and courses, pinned to the versions they read.

Services take the user and the time explicitly and flush, never commit: the view commits once.
A progress row remembers the last version the learner saw and, once they mark the lesson done,
the version they completed; later versions of the lesson never move either.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update

from learnapp.core.signals import activity_changed
from learnapp.courses import rules
from learnapp.courses.models import Course, Lesson, LessonProgress, LessonVersion
from learnapp.db import dialect_insert
from learnapp.extensions import db


def lesson_progress(user, lesson: Lesson) -> LessonProgress | None:
    return db.session.scalar(select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id))


def _insert_ignoring_duplicates(values: dict) -> None:
    """Create the row unless a concurrent request just did (no error, no lost update)."""
    db.session.execute(dialect_insert(db.session, LessonProgress).values(**values)
                       .on_conflict_do_nothing(index_elements=["user_id", "lesson_id"]))


def _ensure_row(user, lesson: Lesson, version: LessonVersion, now: datetime) -> tuple[LessonProgress, bool]:
    """The learner's row for this lesson, created on first sight; True when it did not exist before."""
    _check(lesson, version)
    row = lesson_progress(user, lesson)
    if row is not None:
        return row, False
    _insert_ignoring_duplicates({
        "user_id": user.id, "lesson_id": lesson.id, "course_id": lesson.course_id,
        "last_version_id": version.id, "first_seen_at": now, "last_seen_at": now,
    })
    return lesson_progress(user, lesson), True


def _check(lesson: Lesson, version: LessonVersion) -> None:
    if version.lesson_id != lesson.id:
        raise ValueError("this version belongs to another lesson")


def record_view(user, lesson: Lesson, version: LessonVersion, now: datetime) -> LessonProgress:
    """The learner opened ``version`` of ``lesson``: remember it as the last text they saw."""
    row, created = _ensure_row(user, lesson, version, now)
    if created:
        activity_changed.send(user.id)  # opened a lesson
    if not created and rules.view_needs_recording(row.last_version_id, row.last_seen_at, version.id, now):
        row.last_version_id = version.id
        row.last_seen_at = max(row.last_seen_at, now)
        db.session.flush()
    return row


def mark_done(user, lesson: Lesson, version: LessonVersion, now: datetime) -> bool:
    """Mark the lesson done, pinned to the ``version`` the learner read.

    Idempotent: a lesson already done keeps the version and date it was first completed with
    (a double submit, or a newer text added since, changes nothing). Returns True when this call
    completed the lesson.
    """
    row, created = _ensure_row(user, lesson, version, now)
    if row.completed_version_id is not None:
        return False
    # Guarded update: of two simultaneous submits, exactly one completes (and pins) the lesson.
    result = db.session.execute(
        update(LessonProgress)
        .where(LessonProgress.id == row.id, LessonProgress.completed_version_id.is_(None))
        .values(completed_version_id=version.id, completed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(row)
    if result.rowcount != 1:
        return False
    activity_changed.send(user.id)  # opened, and perhaps finished a course
    if not created:
        row.last_version_id = version.id
        row.last_seen_at = max(row.last_seen_at, now)
        db.session.flush()
    return True


def marks(user, course: Course) -> dict[int, LessonProgress]:
    """lesson id → the learner's progress row, for every lesson of the course (one query)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    rows = db.session.scalars(select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.course_id == course.id))
    return {row.lesson_id: row for row in rows}


def summarise(lesson_ids: Sequence[int], rows: dict[int, LessonProgress]) -> rules.CourseProgress:
    return rules.course_progress(lesson_ids, [
        rules.LessonMark(row.lesson_id, row.completed_version_id is not None, row.last_seen_at)
        for row in rows.values()
    ])


def _lesson_ids_with_text(course: Course) -> list[int]:
    return list(db.session.scalars(
        select(Lesson.id).where(Lesson.course_id == course.id)
        .where(select(LessonVersion.id).where(LessonVersion.lesson_id == Lesson.id).exists())
        .order_by(Lesson.position, Lesson.id)))


def course_progress(user, course: Course, lesson_ids: Sequence[int] | None = None) -> rules.CourseProgress:
    """Counts, states per lesson and where to go next (resume point) for ``user`` in ``course``.

    ``lesson_ids``: the course's readable lessons in order, when the caller already has them.
    """
    if lesson_ids is None:
        lesson_ids = _lesson_ids_with_text(course)
    return summarise(lesson_ids, marks(user, course))


def is_course_done(user, course: Course) -> bool:
    """No lesson of the course that has a text is left undone by the learner: what a quiz tier
    that requires the course asks (one query). A course with no text yet leaves nothing to do;
    the course page's ``CourseProgress.complete`` still wants at least one lesson before it
    says « terminé »."""
    has_text = select(LessonVersion.id).where(LessonVersion.lesson_id == Lesson.id).exists()
    done = (select(LessonProgress.id)
            .where(LessonProgress.lesson_id == Lesson.id, LessonProgress.user_id == user.id,
                   LessonProgress.completed_version_id.is_not(None)).exists())
    total, finished = db.session.execute(
        select(func.count(Lesson.id), func.count(Lesson.id).filter(done))
        .where(Lesson.course_id == course.id, has_text)).one()
    return finished == total


def done_counts(user, course_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """course id → (lessons done, lessons opened) for the catalogue (one query)."""
    if not course_ids or user is None or not getattr(user, "is_authenticated", False):
        return {}
    rows = db.session.execute(
        select(LessonProgress.course_id,
               func.count(LessonProgress.completed_version_id),
               func.count(LessonProgress.id))
        .where(LessonProgress.user_id == user.id, LessonProgress.course_id.in_(course_ids))
        .group_by(LessonProgress.course_id)
    )
    return {course_id: (done, opened) for course_id, done, opened in rows}
