"""Course rules in plain Python: which text a learner reads, and where they are in a course.

No Flask, no database: values in, values out (tested without an app).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from learnapp.core import age_groups

# A learner's state in one lesson.
NOT_STARTED = "todo"
STARTED = "started"
DONE = "done"

# Opening the same lesson again within this delay does not rewrite the progress row.
VIEW_REFRESH = timedelta(minutes=1)


def nearest_text(group: str, available: Iterable[str]) -> str | None:
    """The age group whose text a reader of ``group`` reads among the ``available`` ones
    (their own, else the nearest: ``age_groups``). ``None`` when the lesson has no text at all.
    Raises ``ValueError`` for an unknown group."""
    return age_groups.nearest(group, available)


def missing_texts(course_groups: Iterable[str], available: Iterable[str]) -> list[str]:
    """The groups a course is written for that a lesson has no text for, in display order."""
    return age_groups.missing(course_groups, available)


@dataclass(frozen=True)
class LessonMark:
    """What is known of one learner in one lesson (absent: never opened)."""

    lesson_id: int
    done: bool
    last_seen_at: datetime | None = None


@dataclass(frozen=True)
class CourseProgress:
    total: int
    done: int
    started: int
    # lesson id → NOT_STARTED | STARTED | DONE, for every lesson of the course
    states: Mapping[int, str] = field(default_factory=dict)
    # Where to go next: the lesson last seen and not done, else the first not done.
    next_lesson_id: int | None = None
    # True when next_lesson_id is a lesson the learner had opened (resume), not a new one.
    resuming: bool = False

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total

    @property
    def percent(self) -> int:
        """Whole percent done, rounded down: 100 only when every lesson is done."""
        return self.done * 100 // self.total if self.total else 0

    @property
    def started_any(self) -> bool:
        return self.done > 0 or self.started > 0


def course_progress(lesson_ids: Sequence[int], marks: Iterable[LessonMark]) -> CourseProgress:
    """Summarise a learner's marks over the lessons of a course, given in order.

    Marks for lessons not in ``lesson_ids`` (removed, or without any text) are ignored.
    """
    order = list(dict.fromkeys(lesson_ids))
    known = {mark.lesson_id: mark for mark in marks if mark.lesson_id in set(order)}
    states: dict[int, str] = {}
    for lesson_id in order:
        mark = known.get(lesson_id)
        states[lesson_id] = NOT_STARTED if mark is None else (DONE if mark.done else STARTED)
    done = sum(1 for state in states.values() if state == DONE)
    started = sum(1 for state in states.values() if state == STARTED)

    next_lesson_id, resuming = None, False
    open_marks = [known[i] for i in order if states[i] == STARTED]
    if open_marks:
        position = {lesson_id: index for index, lesson_id in enumerate(order)}
        # The most recently seen; on a tie (or no date), the earlier lesson in the course.
        latest = max(open_marks, key=lambda m: (m.last_seen_at is not None, m.last_seen_at or datetime.min,
                                                 -position[m.lesson_id]))
        next_lesson_id, resuming = latest.lesson_id, True
    else:
        next_lesson_id = next((i for i in order if states[i] == NOT_STARTED), None)
    return CourseProgress(total=len(order), done=done, started=started, states=states,
                          next_lesson_id=next_lesson_id, resuming=resuming)


def neighbours(lesson_ids: Sequence[int], lesson_id: int) -> tuple[int | None, int | None]:
    """The previous and next lesson around ``lesson_id`` in the course order."""
    order = list(lesson_ids)
    if lesson_id not in order:
        return None, None
    index = order.index(lesson_id)
    previous = order[index - 1] if index > 0 else None
    following = order[index + 1] if index + 1 < len(order) else None
    return previous, following


def view_needs_recording(last_version_id: int | None, last_seen_at: datetime | None,
                         version_id: int, now: datetime) -> bool:
    """A view is written when it is the first, shows another version, or comes back later.

    Reloading the same text within ``VIEW_REFRESH`` changes nothing worth a write.
    """
    if last_version_id is None or last_seen_at is None or last_version_id != version_id:
        return True
    return now - last_seen_at >= VIEW_REFRESH

