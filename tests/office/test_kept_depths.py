"""The funnel's kept depths and counts (office/milestones.py) stay what the raw rows say.

- After random activity through the services (lessons opened and finished, attempts graded,
  attendance marked and corrected, accounts created, the learner role removed and granted
  again, a birth year changed), every learner's kept row equals the one the rebuild computes
  from the raw rows, the kept counts equal those rows counted, and the funnel read from the
  counts equals the one counted by hand (tests/office/oracle.py) — the news is kept at each commit.
- An ambassador level reached (levels.py) moves the person to the level's depth.
- A content load, or the web editor, that gives a lesson its first text un-finishes people: the
  rows are rebuilt; a load that changes no lesson rebuilds nothing.
- Before any rebuild, or against other lessons than today's, the funnel does not read them.
- Accounts created on either side of a month's first midnight in Paris (winter and summer time)
  are counted in the right month, by the rebuild's SQL and by the refresh's Python alike.
- Two changes for one person at once (a guide's mark held open while the person finishes the
  course, real threads and connections; SQLite here, PostgreSQL under tests/with-postgres.sh): the
  kept row sees both, whichever commits last.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, Phase, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import select

from learnapp.auth import services as accounts
from learnapp.auth.models import User
from learnapp.courses import progress
from learnapp.courses.models import Course, Lesson, LessonVersion
from learnapp.db import utcnow
from learnapp.extensions import db as _db
from learnapp.office import milestones, queries, rules
from learnapp.office.rules import Filters
from learnapp.visits import attendance, booking
from learnapp.visits.models import Booking, VisitSession
from tests.ambassadors.conftest import ambassador, attend, give, loaded, settings  # noqa: F401 (fixtures)
from tests.courses.pack_builder import AUDIENCES, lesson_text, png
from tests.courses.pack_builder import make_course as write_course
from tests.office import oracle
from tests.quizzes.quiz_helpers import add_questions, every_type, finish_course, make_course, make_tier, take
from tests.schools.conftest import make_class, make_teacher, school, school_class, teacher  # noqa: F401 (fixtures)
from tests.visits.conftest import make_session, make_visit  # noqa: F401 (fixtures)

_courses = itertools.count(1)


def kept_rows() -> dict[int, tuple]:
    """Every learner's kept (month created, birth year, depth)."""
    _db.session.expire_all()
    row = milestones.FunnelDepth
    return {user_id: (month, year, depth) for user_id, month, year, depth in _db.session.execute(
        select(row.user_id, row.cohort_month, row.birth_year, row.depth))}


def kept_depths() -> dict[int, int]:
    return {user_id: depth for user_id, (_month, _year, depth) in kept_rows().items()}


def asked_rows() -> dict[int, tuple]:
    """Every learner's row asked of the raw rows, as the rebuild computes it."""
    query = milestones.learners_depths(milestones.funnel_steps(), milestones._learner_months(_db.session))
    return {user_id: (month, year, depth) for user_id, depth, month, year in _db.session.execute(query)}


def kept_counts() -> dict[tuple, int]:
    count = milestones.FunnelCount
    return {(month, year, depth): people for month, year, depth, people in _db.session.execute(
        select(count.cohort_month, count.birth_year, count.depth, count.people)) if people}


def _everything_funnel() -> list[int]:
    filters = Filters(rules.parse_period("all", None, date.today()), rules.AGE_ALL)
    return queries.funnel_counts(filters, date.today(), milestones.funnel_steps())


def assert_kept_as_asked(context=None) -> None:
    rows = kept_rows()
    assert rows == asked_rows(), context
    assert kept_counts() == dict(Counter(rows.values())), context
    today = date.today()
    assert queries._kept_steps(milestones.funnel_steps()) == len(milestones.funnel_steps())
    for period in (rules.parse_period("all", None, today), rules.parse_period("month", None, today)):
        for age in (rules.AGE_ALL, "adult", "teen"):
            counted = queries.funnel_counts(Filters(period, age), today, milestones.funnel_steps())
            assert counted == oracle.funnel(period, age, today), (context, period.kind, age)


def _lessons(course) -> list[tuple[Lesson, LessonVersion]]:
    lessons = _db.session.scalars(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position))
    return [(lesson, _db.session.scalar(select(LessonVersion).where(LessonVersion.lesson_id == lesson.id)))
            for lesson in lessons]


ACTIONS = st.lists(st.tuples(st.sampled_from(["open", "finish", "attempt", "present", "absent", "account",
                                              "unlearn", "relearn", "born"]),
                             st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=12)


@hypothesis_settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # no shrinking: each example grades attempts
@given(actions=ACTIONS, seed=st.integers(0, 2**31))
# Every step in turn, then a correction and back, and every change of an account: each piece of
# news is needed (a later one would hide a missing one by recomputing the whole row).
@example(actions=[("open", 0, 1), ("finish", 0, 2), ("attempt", 0, 2), ("present", 0, 0), ("absent", 0, 0),
                  ("present", 0, 0), ("account", 0, 0), ("unlearn", 1, 0), ("relearn", 1, 0), ("born", 0, 1)],
         seed=1)
def test_kept_depths_follow_activity_through_the_services(app, db, make_user, make_session, make_visit,  # noqa: F811
                                                          actions, seed):
    now = utcnow()
    course = make_course(now - timedelta(days=3), slug=f"parcours-{next(_courses)}",
                         lessons=("les-marees", "chausey", "le-port"))
    tier = make_tier(course, 1, questions_per_attempt=3, requires_course_done=False)
    add_questions(course, every_type(), now - timedelta(days=3))
    milestones.rebuild()  # built against today's lessons: from now on each commit keeps the rows
    _db.session.commit()
    guide, staff = make_user("guide"), make_user("admin")
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
        elif verb in ("present", "absent"):  # the guide marks the holder, or corrects the mark
            attendance.mark(session, bookings[who], 0, verb == "present", actor=guide, now=utcnow(),
                            correcting=True)
        elif verb == "account":  # a new learner through the ORM (a roster's bulk insert: test below)
            make_user(age_group=("child", "teen", "adult")[which])
        elif verb == "unlearn":
            accounts.remove_role(person, "learner", actor=staff, now=utcnow())
        elif verb == "relearn":
            accounts.grant_role(person, "learner", actor=staff, now=utcnow())
        else:  # "born": a birth year corrected (as the year-end erasure does)
            person.birth_year = now.year - (10, 16, 40)[which]
        _db.session.commit()
        assert_kept_as_asked((verb, who, which))
    assert milestones.usable(milestones.todays_key())


def test_a_level_reached_moves_the_ambassador_to_its_depth(app, db, ambassador, give, attend, now):  # noqa: F811
    course = make_course(now - timedelta(days=3), slug="parcours-niveau", lessons=("les-marees",))
    tier = make_tier(course, 1, questions_per_attempt=3, requires_course_done=False)
    add_questions(course, every_type(), now - timedelta(days=3))
    user = ambassador()
    finish_course(user, course, now - timedelta(hours=2))
    assert take(user, tier, now - timedelta(hours=1), random.Random(3), p_right=1.0, p_blank=0.0).passed
    attend(user)
    milestones.rebuild()
    db.session.commit()
    assert kept_rows()[user.id][2] == 5  # every standard step, no level yet
    give(user, 1, now)  # the certificate raises the level (ambassadors/levels.py)
    assert kept_rows()[user.id][2] == 6
    assert_kept_as_asked()


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
    assert kept_depths() == {learner.id: 2}  # opened, finished: kept at the commit
    assert queries._kept_steps(milestones.funnel_steps())
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
    reloaded = runner.invoke(args=["content", "load", str(tmp_path)])
    assert reloaded.exit_code == 0, reloaded.output
    assert kept_depths() == {learner.id: 1}  # opened, no longer finished
    assert queries._kept_steps(milestones.funnel_steps())
    assert _everything_funnel()[:3] == [1, 1, 0]


def test_the_funnel_reads_kept_depths_only_when_built_against_todays_lessons(app, db, now):
    course = make_course(now, slug="parcours-etat", lessons=("a",))
    steps = milestones.funnel_steps()
    db.session.execute(db.delete(milestones.FunnelState))
    assert not queries._kept_steps(steps)  # never built: the questions are asked
    milestones.rebuild()
    assert queries._kept_steps(milestones.funnel_steps())
    lesson = Lesson(course_id=course.id, slug="b", position=2, created_at=now)
    db.session.add(lesson)
    db.session.flush()
    assert queries._kept_steps(milestones.funnel_steps())  # a lesson without a text changes nothing
    db.session.add(LessonVersion(lesson_id=lesson.id, audience="adult", number=1, title="b", minutes=5,
                                 objectives=[], key_facts=[], body_markdown="T.", body_html="<p>T.</p>",
                                 source_hash="b", source="files", created_at=now))
    db.session.flush()
    assert not queries._kept_steps(milestones.funnel_steps())  # "finished" means more today
    assert not queries._kept_steps(queries.standard_steps()[:2])  # nor for a start of the steps


def test_two_changes_for_one_person_at_once_are_both_kept(app, db, make_user, make_session, make_visit):  # noqa: F811
    # Alone, the guide's mark leaves the person at "opened" (the course is not finished) and the
    # last lesson takes them to "passed"; together they reach "attended a visit". The mark's
    # transaction has refreshed the person and stays open while the lesson is finished: a
    # refresh that did not wait for it (the state row's lock on PostgreSQL) would keep "passed".
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
    assert kept_depths() == {person.id: 1}

    marked, release, errors = threading.Event(), threading.Event(), []

    def guide_marks():
        with app.app_context():
            try:
                visit_session = _db.session.get(VisitSession, ids["session"])
                attendance.mark(visit_session, _db.session.get(Booking, ids["booking"]), 0, True,
                                actor=_db.session.get(User, ids["guide"]), now=utcnow())
                milestones.keep_noted(_db.session())  # what the commit does first: the person refreshed
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
    assert kept_rows() == asked_rows()
    assert kept_depths() == {ids["person"]: 5}


def test_the_rebuild_command_keeps_what_the_rows_say(runner, db, make_user, now):
    course = make_course(now, slug="parcours-commande", lessons=("les-marees",))
    learner = make_user()
    finish_course(learner, course, now)  # rows written directly: no signal, nothing kept yet
    db.session.execute(db.delete(milestones.FunnelDepth))
    db.session.commit()
    result = runner.invoke(args=["office", "rebuild-funnel"])
    assert result.exit_code == 0, result.output
    assert "Parcours recalculé : 1 apprenant(s) ayant ouvert une leçon." in result.output
    assert kept_rows() == asked_rows()
    assert kept_depths() == {learner.id: 2}
    assert queries._kept_steps(milestones.funnel_steps())


def test_a_lesson_given_its_first_text_in_the_editor_rebuilds_the_rows(app, db, make_user, now):
    from learnapp.courses import lesson_versions

    course = make_course(now - timedelta(days=1), slug="parcours-editeur", lessons=("les-marees",))
    learner, author = make_user(), make_user("staff")
    finish_course(learner, course, now)
    milestones.rebuild()
    db.session.commit()
    assert kept_depths() == {learner.id: 2}
    lesson = Lesson(course_id=course.id, slug="le-port", position=2, created_at=now)
    db.session.add(lesson)
    lesson_versions.add_lesson_version(lesson, "adult", title="Le port", minutes=5, objectives=["Voir le port."],
                                       key_facts=["Le port est ancien."], body_markdown="Le port.", source="editor",
                                       author=author, now=now)
    db.session.commit()  # the lesson counts from now on: the learner has not finished the course
    assert kept_depths() == {learner.id: 1}
    assert kept_rows() == asked_rows()
    assert queries._kept_steps(milestones.funnel_steps())


def test_accounts_written_in_bulk_in_a_savepoint_or_deleted_are_counted(db, make_user, school_class, now):  # noqa: F811
    """Ways of writing accounts that the session's new and dirty rows do not show."""
    from learnapp.schools import roster

    learner = make_user()
    milestones.rebuild()
    db.session.commit()

    # A class roster is imported with bulk inserts: its pupils are registered learners at once.
    raw = "Prénom;Nom;Année de naissance\r\nLéa;M;2016\r\nNoé;B;2015\r\n".encode()
    assert not roster.import_roster(school_class, raw, now=utcnow()).problems
    db.session.commit()
    pupils = [pupil.user_id for pupil in roster.pupils(school_class)]
    assert len(pupils) == 2 and all(kept_depths()[pupil] == 0 for pupil in pupils)
    assert_kept_as_asked("roster")
    assert _everything_funnel()[0] == 3

    # An account created before a savepoint that is rolled back is still counted at the commit.
    newcomer = accounts.create_user(email="avant.point@example.org", password="x" * 12, birth_year=1990,
                                    roles=("learner",), now=utcnow(), display_name="Avant")
    db.session.flush()
    with pytest.raises(RuntimeError), db.session.begin_nested():
        raise RuntimeError("what the savepoint held fails")
    db.session.commit()
    assert newcomer.id in kept_depths()
    assert_kept_as_asked("savepoint")

    # A bulk update of birth years (no row in the session) moves the people between buckets.
    db.session.execute(db.update(User).where(User.id.in_(pupils)).values(birth_year=2014))
    db.session.commit()
    assert {kept_rows()[pupil][1] for pupil in pupils} == {2014}
    assert_kept_as_asked("bulk update")

    # A bulk update of what the counts do not depend on rebuilds nothing.
    built = db.session.scalar(select(milestones.FunnelState.built_at))
    db.session.execute(db.update(User).where(User.id.in_(pupils)).values(display_name="Élève"))
    db.session.commit()
    assert db.session.scalar(select(milestones.FunnelState.built_at)) == built

    # An account deleted (the product anonymises instead) leaves no count behind.
    db.session.delete(db.session.get(User, learner.id))
    db.session.commit()
    assert learner.id not in kept_depths()
    assert_kept_as_asked("deleted")
    assert _everything_funnel()[0] == 3


@pytest.mark.parametrize(("created", "month"), [
    (datetime(2026, 1, 31, 22, 59, tzinfo=UTC), "2026-01"),  # winter: Paris is UTC+1
    (datetime(2026, 1, 31, 23, 0, tzinfo=UTC), "2026-02"),
    (datetime(2026, 3, 31, 21, 59, tzinfo=UTC), "2026-03"),  # summer time from 29 March: UTC+2
    (datetime(2026, 3, 31, 22, 0, tzinfo=UTC), "2026-04"),
    (datetime(2026, 10, 31, 22, 30, tzinfo=UTC), "2026-10"),  # winter again from 25 October
    (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "2027-01"),
])
def test_accounts_are_counted_in_the_month_of_their_creation_in_paris(db, created, month):
    others = [accounts.create_user(email=f"bord{n}@example.org", password="x" * 12, birth_year=1980,
                                   roles=("learner",), now=moment, display_name="Bord")
              for n, moment in enumerate((datetime(2025, 6, 1, tzinfo=UTC), datetime(2027, 6, 1, tzinfo=UTC)))]
    user = accounts.create_user(email="mois@example.org", password="x" * 12, birth_year=1980, roles=("learner",),
                                now=created, display_name="Mois")
    milestones.rebuild()  # the SQL: every month of 2025-06 to 2027-06, halved at each level
    db.session.commit()
    assert kept_rows()[user.id][0] == month == milestones.cohort_month(created)
    assert {kept_rows()[other.id][0] for other in others} == {"2025-06", "2027-06"}
    db.session.execute(db.delete(milestones.FunnelDepth).where(milestones.FunnelDepth.user_id == user.id))
    milestones.refresh_people([user.id])  # the Python
    assert kept_rows()[user.id][0] == month
