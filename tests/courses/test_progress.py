"""Progress services on a real database: views, completion, version pinning, course summaries."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learnapp.courses import progress
from learnapp.courses.models import Lesson, LessonProgress
from tests.courses.reader_data import add_version, make_course


def lessons(db, course) -> list[Lesson]:
    return list(db.session.scalars(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)))


def current(lesson, audience="adult"):
    return max((v for v in lesson.versions if v.audience == audience), key=lambda v: v.number)


def rows(db) -> list[LessonProgress]:
    return list(db.session.scalars(select(LessonProgress)))


def test_a_first_view_creates_the_row_pinned_to_the_version_seen(db, now, make_user):
    course = make_course(now)
    learner = make_user()
    lesson = lessons(db, course)[0]
    row = progress.record_view(learner, lesson, current(lesson), now)
    assert (row.user_id, row.lesson_id, row.course_id) == (learner.id, lesson.id, course.id)
    assert row.last_version_id == current(lesson).id and row.completed_version_id is None
    assert row.first_seen_at == now == row.last_seen_at


def test_views_update_the_last_version_and_time_but_not_the_first(db, now, make_user):
    course = make_course(now)
    learner = make_user()
    lesson = lessons(db, course)[0]
    v1 = current(lesson)
    progress.record_view(learner, lesson, v1, now)
    # A reload a few seconds later is not worth a write.
    row = progress.record_view(learner, lesson, v1, now + timedelta(seconds=20))
    assert row.last_seen_at == now
    later = now + timedelta(days=2)
    row = progress.record_view(learner, lesson, v1, later)
    assert row.first_seen_at == now and row.last_seen_at == later
    v2 = add_version(lesson, "adult", now, body="<p>Nouveau texte</p>")
    row = progress.record_view(learner, lesson, v2, later + timedelta(seconds=5))
    assert row.last_version_id == v2.id
    assert len(rows(db)) == 1


def test_completion_stays_pinned_to_version_1_after_a_version_2(db, now, make_user, client, login):
    course = make_course(now, lessons=("les-marees", "chausey"))
    learner = make_user()
    lesson = lessons(db, course)[0]
    v1 = current(lesson)
    progress.record_view(learner, lesson, v1, now)
    assert progress.mark_done(learner, lesson, v1, now) is True
    db.session.commit()

    v2 = add_version(lesson, "adult", now + timedelta(days=1), title="Les marées (mise à jour)",
                     body="<p>Le nouveau texte sur les marées.</p>")
    db.session.commit()
    row = db.session.scalar(select(LessonProgress))
    assert row.completed_version_id == v1.id and row.completed_version.number == 1

    # The learner opens the lesson again: the new text, still done, still pinned to version 1.
    login(learner)
    page = client.get("/courses/granville/les-marees").get_data(as_text=True)
    assert "Le nouveau texte sur les marées." in page and "version 1" not in page
    assert "Leçon terminée le" in page and "mis à jour depuis que vous avez terminé" in page
    db.session.expire_all()
    row = db.session.scalar(select(LessonProgress))
    assert row.last_version_id == v2.id and row.completed_version_id == v1.id

    # Marking it done again (an old form, a double click) moves nothing.
    assert progress.mark_done(learner, lesson, v2, now + timedelta(days=2)) is False
    assert row.completed_version_id == v1.id and row.completed_at == now


def test_a_text_changed_through_the_office_is_a_new_version_the_learner_reads(db, now, make_user, client, login):
    from learnapp.courses.lesson_versions import add_lesson_version

    course = make_course(now, lessons=("chausey",))
    learner, staff = make_user(), make_user("staff")
    (lesson,) = lessons(db, course)
    first = current(lesson)
    progress.mark_done(learner, lesson, first, now)
    db.session.commit()
    second = add_lesson_version(
        lesson, "adult", title="Les îles Chausey", minutes=6, objectives=[], key_facts=[],
        body_markdown="Chausey compte **365 îles** à marée basse.", source="editor", author=staff,
        now=now + timedelta(days=1))
    db.session.commit()
    assert second.number == first.number + 1

    login(learner)
    page = client.get("/courses/granville/chausey").get_data(as_text=True)
    assert "<strong>365 îles</strong>" in page and "Texte adult de chausey" not in page
    db.session.expire_all()
    row = db.session.scalar(select(LessonProgress))
    assert row.completed_version_id == first.id and row.last_version_id == second.id


def test_mark_done_without_a_prior_view_creates_the_row(db, now, make_user):
    course = make_course(now)
    learner = make_user()
    lesson = lessons(db, course)[1]
    assert progress.mark_done(learner, lesson, current(lesson), now) is True
    (row,) = rows(db)
    assert row.completed_version_id == row.last_version_id == current(lesson).id
    assert row.completed_at == now


def test_a_version_of_another_lesson_is_refused(db, now, make_user):
    course = make_course(now)
    first, second = lessons(db, course)[:2]
    with pytest.raises(ValueError):
        progress.record_view(make_user(), first, current(second), now)
    with pytest.raises(ValueError):
        progress.mark_done(make_user(), first, current(second), now)
    assert rows(db) == []


def test_a_row_created_concurrently_is_not_a_crash(db, now, make_user):
    course = make_course(now)
    learner = make_user()
    lesson = lessons(db, course)[0]
    values = {"user_id": learner.id, "lesson_id": lesson.id, "course_id": course.id,
              "last_version_id": current(lesson).id, "first_seen_at": now, "last_seen_at": now}
    progress._insert_ignoring_duplicates(values)
    progress._insert_ignoring_duplicates(values)
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 1


def test_course_progress_counts_and_resume_point(db, now, make_user):
    course = make_course(now, lessons=("a", "b", "c", "d"))
    learner, other = make_user(), make_user()
    a, b, c, d = lessons(db, course)
    progress.mark_done(learner, a, current(a), now)
    progress.record_view(learner, c, current(c), now + timedelta(hours=1))
    progress.record_view(learner, b, current(b), now + timedelta(hours=2))
    progress.mark_done(other, d, current(d), now)

    summary = progress.course_progress(learner, course)
    assert (summary.total, summary.done, summary.started) == (4, 1, 2)
    assert summary.next_lesson_id == b.id and summary.resuming
    assert summary.states == {a.id: "done", b.id: "started", c.id: "started", d.id: "todo"}
    assert not progress.is_course_done(learner, course)

    for lesson in (b, c, d):
        progress.mark_done(learner, lesson, current(lesson), now)
    assert progress.is_course_done(learner, course)
    assert progress.course_progress(learner, course).next_lesson_id is None


def test_a_new_lesson_reopens_a_finished_course(db, now, make_user):
    course = make_course(now, lessons=("a",))
    learner = make_user()
    (a,) = lessons(db, course)
    progress.mark_done(learner, a, current(a), now)
    assert progress.is_course_done(learner, course)
    extra = Lesson(course=course, slug="b", position=2, created_at=now)
    db.session.add(extra)
    db.session.flush()
    assert progress.is_course_done(learner, course)  # no text yet: not a lesson to do
    add_version(extra, "adult", now)
    summary = progress.course_progress(learner, course)
    assert not summary.complete and summary.next_lesson_id == extra.id


def test_course_progress_is_one_query_for_the_rows(db, now, make_user):
    from sqlalchemy import event

    course = make_course(now, lessons=tuple(f"l{n}" for n in range(8)))
    learner = make_user()
    for lesson in lessons(db, course):
        progress.mark_done(learner, lesson, current(lesson), now)
    ids = [lesson.id for lesson in lessons(db, course)]
    statements = []

    def counter(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        assert progress.course_progress(learner, course, ids).complete
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    assert len(statements) == 1


def test_catalogue_counts_per_course(db, now, make_user):
    first = make_course(now, slug="one", lessons=("a", "b"))
    second = make_course(now, slug="two", lessons=("c",))
    learner = make_user()
    a, b = lessons(db, first)
    progress.mark_done(learner, a, current(a), now)
    progress.record_view(learner, b, current(b), now)
    assert progress.done_counts(learner, [first.id, second.id]) == {first.id: (1, 2)}
    assert progress.done_counts(make_user(), [first.id]) == {}
