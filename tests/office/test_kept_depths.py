"""The funnel's kept depths (office/milestones.py) stay what the raw rows say.

- After random activity through the services (lessons opened and finished, attempts graded,
  attendance marked, corrected and marked again), every person's kept row equals the depth asked
  of the raw rows (the rebuild's own query) — the receiver runs in each sender's transaction.
- A content load that adds a lesson un-finishes people: the load rebuilds the depths, and the
  funnel shows them un-finished; a load that changes no lesson rebuilds nothing.
- Before any rebuild, or against other lessons than today's, the funnel does not read them.
- Two changes for one person at once (a guide's mark held open while the person finishes the
  course, real threads and connections; SQLite here, PostgreSQL under tests/with-postgres.sh): the
  kept row sees both, whichever commits last.
"""

from __future__ import annotations

import itertools
import random
import threading
from datetime import date, timedelta

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from learnapp.auth.models import User
from learnapp.courses import progress
from learnapp.courses.models import Course, Lesson, LessonVersion
from learnapp.db import utcnow
from learnapp.extensions import db as _db
from learnapp.office import milestones, queries, rules
from learnapp.office.rules import Filters
from learnapp.visits import attendance, booking
from learnapp.visits.models import Booking, VisitSession
from tests.courses.pack_builder import AUDIENCES, lesson_text, png
from tests.courses.pack_builder import make_course as write_course
from tests.quizzes.quiz_helpers import add_questions, every_type, finish_course, make_course, make_tier, take
from tests.visits.conftest import make_session, make_visit  # noqa: F401 (fixtures)

_courses = itertools.count(1)


def kept_rows() -> dict[int, int]:
    """The kept depths above 0 (a refresh may keep a 0 where a rebuild keeps no row)."""
    _db.session.expire_all()
    return dict(_db.session.execute(select(milestones.FunnelDepth.user_id, milestones.FunnelDepth.depth)
                                    .where(milestones.FunnelDepth.depth > 0)).all())


def asked_rows() -> dict[int, int]:
    """Every opener's depth asked of the raw rows, as the rebuild computes it."""
    return dict(_db.session.execute(queries.openers_depths(queries.standard_steps())).all())


def _lessons(course) -> list[tuple[Lesson, LessonVersion]]:
    lessons = _db.session.scalars(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position))
    return [(lesson, _db.session.scalar(select(LessonVersion).where(LessonVersion.lesson_id == lesson.id)))
            for lesson in lessons]


ACTIONS = st.lists(st.tuples(st.sampled_from(["open", "finish", "attempt", "present", "absent"]),
                             st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=12)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # no shrinking: each example grades attempts
@given(actions=ACTIONS, seed=st.integers(0, 2**31))
# Every step in turn, then a correction and back: each signal is needed (a later one would hide
# a missing one by recomputing the whole row).
@example(actions=[("open", 0, 1), ("finish", 0, 2), ("attempt", 0, 2), ("present", 0, 0), ("absent", 0, 0),
                  ("present", 0, 0)], seed=1)
def test_kept_depths_follow_activity_through_the_services(app, db, make_user, make_session, make_visit,  # noqa: F811
                                                          actions, seed):
    now = utcnow()
    course = make_course(now - timedelta(days=3), slug=f"parcours-{next(_courses)}",
                         lessons=("les-marees", "chausey", "le-port"))
    tier = make_tier(course, 1, questions_per_attempt=3, requires_course_done=False)
    add_questions(course, every_type(), now - timedelta(days=3))
    milestones.rebuild()  # built against today's lessons: from now on the receiver keeps the rows
    _db.session.commit()
    guide = make_user("guide")
    session = make_session(visit=make_visit(guide=guide, now=now - timedelta(days=2)),
                           now=now - timedelta(days=1), starts_in=timedelta(days=1, minutes=-10))
    people = [make_user(age_group=group) for group in ("teen", "adult", "adult")]
    bookings = [booking.book(person, session, now=now - timedelta(days=1)).booking for person in people]
    _db.session.commit()
    lessons, rng, when = _lessons(course), random.Random(seed), now - timedelta(hours=1)
    for verb, who, which in actions:
        person = people[who]
        when += timedelta(minutes=1)
        if verb == "open":
            progress.record_view(person, *lessons[which], when)
        elif verb == "finish":  # the lesson, or the whole course (so later steps are reached)
            for lesson, version in (lessons if which == 2 else [lessons[which]]):
                progress.mark_done(person, lesson, version, when)
        elif verb == "attempt":
            take(person, tier, when, rng, p_right=which / 2, p_blank=0.0)
        else:  # the guide marks the holder, or corrects the mark
            attendance.mark(session, bookings[who], 0, verb == "present", actor=guide, now=utcnow(),
                            correcting=True)
        _db.session.commit()
        assert kept_rows() == asked_rows(), (verb, who, which)
    assert milestones.usable(milestones.lessons_key(queries.lessons_per_course()))


def _everything_funnel() -> list[int]:
    filters = Filters(rules.parse_period("all", None, date.today()), rules.AGE_ALL)
    return queries.funnel_counts(filters, date.today(), queries.standard_steps())


def test_a_lesson_added_by_a_content_load_unfinishes_people(runner, db, tmp_path, make_user):
    folder = write_course(tmp_path, "granville", lessons=("les-marees", "chausey"))
    assert runner.invoke(args=["content", "load", str(tmp_path)]).exit_code == 0
    learner, now = make_user("learner"), utcnow()
    course = db.session.scalar(select(Course).where(Course.slug == "granville"))
    for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)):
        version = db.session.scalar(select(LessonVersion).where(LessonVersion.lesson_id == lesson.id,
                                                                LessonVersion.audience == "adult"))
        progress.mark_done(learner, lesson, version, now)
    db.session.commit()
    assert kept_rows() == {learner.id: 2}  # opened, finished: kept by the receiver
    assert queries._kept_depths_apply(queries.standard_steps())
    assert _everything_funnel()[:3] == [1, 1, 1]
    built_at = db.session.scalar(select(milestones.FunnelState.built_at))

    unchanged = runner.invoke(args=["content", "load", str(tmp_path)])  # no lesson changed: no rebuild
    assert unchanged.exit_code == 0, unchanged.output
    db.session.expire_all()
    assert db.session.scalar(select(milestones.FunnelState.built_at)) == built_at

    added = folder / "03-le-port"  # a third lesson, with its texts
    added.mkdir()
    (added / "maree.png").write_bytes(png((20, 120, 90)))
    for audience in AUDIENCES:
        (added / f"{audience}.md").write_text(lesson_text(title=f"Le port pour {audience}"), encoding="utf-8")
    loaded = runner.invoke(args=["content", "load", str(tmp_path)])
    assert loaded.exit_code == 0, loaded.output
    assert kept_rows() == {learner.id: 1}  # opened, no longer finished
    assert queries._kept_depths_apply(queries.standard_steps())
    assert _everything_funnel()[:3] == [1, 1, 0]


def test_the_funnel_reads_kept_depths_only_when_built_against_todays_lessons(app, db, now):
    course = make_course(now, slug="parcours-etat", lessons=("a",))
    steps = queries.standard_steps()
    db.session.execute(db.delete(milestones.FunnelState))
    assert not queries._kept_depths_apply(steps)  # never built: the questions are asked
    milestones.rebuild()
    assert queries._kept_depths_apply(queries.standard_steps())
    lesson = Lesson(course_id=course.id, slug="b", position=2, created_at=now)
    db.session.add(lesson)
    db.session.flush()
    assert queries._kept_depths_apply(queries.standard_steps())  # a lesson without a text changes nothing
    db.session.add(LessonVersion(lesson_id=lesson.id, audience="adult", number=1, title="b", minutes=5,
                                 objectives=[], key_facts=[], body_markdown="T.", body_html="<p>T.</p>",
                                 source_hash="b", source="files", created_at=now))
    db.session.flush()
    assert not queries._kept_depths_apply(queries.standard_steps())  # "finished" means more today


def test_two_changes_for_one_person_at_once_are_both_kept(app, db, make_user, make_session, make_visit):  # noqa: F811
    # Alone, the guide's mark leaves the person at "opened" (the course is not finished) and the
    # last lesson takes them to "passed"; together they reach "attended a visit". The mark's
    # transaction stays open while the lesson is finished: a refresh that did not wait for it
    # would keep "passed" once both committed.
    now = utcnow()
    course = make_course(now - timedelta(days=3), slug="parcours-course", lessons=("les-marees", "chausey"))
    tier = make_tier(course, 1, questions_per_attempt=3, requires_course_done=False)
    add_questions(course, every_type(), now - timedelta(days=3))
    milestones.rebuild()
    db.session.commit()
    guide, person = make_user("guide"), make_user()
    session = make_session(visit=make_visit(guide=guide, now=now - timedelta(days=2)),
                           now=now - timedelta(days=1), starts_in=timedelta(days=1, minutes=-10))
    held = booking.book(person, session, now=now - timedelta(days=1)).booking
    (first, first_version), (last, last_version) = _lessons(course)
    progress.mark_done(person, first, first_version, now - timedelta(hours=2))
    assert take(person, tier, now - timedelta(hours=1), random.Random(3), p_right=1.0, p_blank=0.0).passed
    db.session.commit()
    ids = {"person": person.id, "guide": guide.id, "session": session.id, "booking": held.id,
           "lesson": last.id, "version": last_version.id}
    assert kept_rows() == {person.id: 1}

    marked, release, errors = threading.Event(), threading.Event(), []

    def guide_marks():
        with app.app_context():
            try:
                visit_session = _db.session.get(VisitSession, ids["session"])
                attendance.mark(visit_session, _db.session.get(Booking, ids["booking"]), 0, True,
                                actor=_db.session.get(User, ids["guide"]), now=utcnow())
                marked.set()
                release.wait(10)  # the transaction (and the person's kept row) held open
                _db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
                marked.set()
            finally:
                _db.session.remove()

    def person_finishes():
        with app.app_context():
            try:
                progress.mark_done(_db.session.get(User, ids["person"]), _db.session.get(Lesson, ids["lesson"]),
                                   _db.session.get(LessonVersion, ids["version"]), utcnow())
                _db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                _db.session.remove()

    first_thread = threading.Thread(target=guide_marks)
    first_thread.start()
    assert marked.wait(10)
    second_thread = threading.Thread(target=person_finishes)
    second_thread.start()
    second_thread.join(0.5)  # it waits for the guide's transaction (the row lock, or SQLite's writer lock)
    release.set()
    first_thread.join(10)
    second_thread.join(10)
    assert errors == []
    assert kept_rows() == asked_rows() == {ids["person"]: 5}


def test_the_rebuild_command_keeps_what_the_rows_say(runner, db, make_user, now):
    course = make_course(now, slug="parcours-commande", lessons=("les-marees",))
    learner = make_user()
    finish_course(learner, course, now)  # rows written directly: no signal, nothing kept yet
    db.session.execute(db.delete(milestones.FunnelDepth))
    db.session.commit()
    result = runner.invoke(args=["office", "rebuild-funnel"])
    assert result.exit_code == 0, result.output
    assert "Parcours recalculé : 1 personne(s) ayant ouvert une leçon." in result.output
    assert kept_rows() == asked_rows() == {learner.id: 2}
    assert queries._kept_depths_apply(queries.standard_steps())
