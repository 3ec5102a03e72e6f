"""Assignments, the progress grid (two queries for the pupils' data whatever the class size),
its CSV export, a pupil's page, consent, and the end of the year."""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, select

from learnapp.courses.models import Lesson, LessonProgress, LessonVersion
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.quizzes.models import QuizAttempt
from learnapp.schools import consent, progress, roster, teaching, year_end
from learnapp.schools.models import Pupil, SchoolClass
from tests.quizzes.quiz_helpers import make_course, make_tier
from tests.schools.conftest import text_of


@contextmanager
def counted_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _course_with_tiers(now, slug="granville", lessons=("marees", "chausey"), tiers=3):
    course = make_course(now, slug=slug, lessons=lessons)
    for number in range(1, tiers + 1):
        make_tier(course, number)
    return course


def _progress(pupil, course, now, *, done=(), seen=()):
    for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)):
        if lesson.slug not in done and lesson.slug not in seen:
            continue
        version = db.session.scalar(select(LessonVersion).where(LessonVersion.lesson_id == lesson.id))
        db.session.add(LessonProgress(user_id=pupil.user_id, lesson_id=lesson.id, course_id=course.id,
                                      last_version_id=version.id, first_seen_at=now, last_seen_at=now,
                                      completed_version_id=version.id if lesson.slug in done else None,
                                      completed_at=now if lesson.slug in done else None))


def _attempt(pupil, tier, now, score):
    db.session.add(QuizAttempt(user_id=pupil.user_id, tier_id=tier.id, number=1, audience="child", seed=1,
                               status="submitted", started_at=now, submitted_at=now, score=score,
                               passed=score >= tier.pass_mark))


def test_the_grid_fills_in_and_sorts(client, login, teacher, school_class, make_pupils, now):
    course = _course_with_tiers(now)
    teaching.assign(school_class, course, tiers=2, due_on=None, actor=teacher, now=utcnow())
    [(lea, _), (noe, _), (zoe, _)] = make_pupils(school_class, [("Léa", "M", 2016), ("Noé", "B", 2015),
                                                                ("Zoé", "K", 2016)])
    tiers = {t.number: t for t in course_tiers(course)}
    _progress(lea, course, now, done=("marees", "chausey"))
    _progress(noe, course, now, seen=("marees",))
    _attempt(lea, tiers[1], now, 90.0)
    _attempt(noe, tiers[1], now, 40.0)
    db.session.commit()
    grid = progress.grid(school_class)
    assert [c.title for c in grid.columns] == ["marees", "chausey", "Découverte", "Confirmé"]  # tiers ≤ 2
    by_name = {row.pupil.user.first_name: row for row in grid.rows}
    assert [by_name["Léa"].cells[c.key].status for c in grid.columns] == ["done", "done", "passed", "none"]
    assert [by_name["Noé"].cells[c.key].status for c in grid.columns] == ["started", "none", "failed", "none"]
    assert by_name["Léa"].completion == 75 and by_name["Zoé"].completion == 0
    assert [r.pupil.user.first_name for r in progress.grid(school_class, sort="progress", descending=True).rows] \
        == ["Léa", "Noé", "Zoé"]
    login(teacher)
    page = text_of(client.get(f"/schools/classes/{school_class.id}/progress?sort=progress&dir=desc"))
    assert page.index("Léa M.") < page.index("Noé B.") < page.index("Zoé K.")
    assert "réussi (90 %)" in page and "pas encore réussi (40 %)" in page
    detail = client.get(f"/schools/classes/{school_class.id}/pupils/{noe.id}")
    assert detail.status_code == 200 and "1 tentative" in text_of(detail)


def course_tiers(course):
    from learnapp.quizzes.models import QuizTier

    return db.session.scalars(select(QuizTier).where(QuizTier.course_id == course.id)).all()


def test_the_grid_costs_the_same_queries_for_3_pupils_as_for_35(teacher, make_class, make_pupils, now):
    course = _course_with_tiers(now, lessons=tuple(f"l{n}" for n in range(7)))
    small, big = make_class(teacher, "Petite"), make_class(teacher, "Grande")
    for school_class, size in ((small, 3), (big, 35)):
        teaching.assign(school_class, course, tiers=3, due_on=None, actor=teacher, now=utcnow())
        pupils = [roster.add_pupil(school_class, first_name=f"Élève{n}", initial="M", birth_year=2016, now=utcnow())
                  for n in range(size)]
        for pupil in pupils:
            _progress(pupil, course, now, done=("l0", "l1"), seen=("l2",))
            _attempt(pupil, course_tiers(course)[0], now, 80.0)
    db.session.commit()
    counts = {}
    for school_class in (small, big):
        db.session.expire_all()
        school_class = db.session.get(SchoolClass, school_class.id)  # loaded before counting
        with counted_queries() as statements:
            grid = progress.grid(school_class)
        counts[school_class.name] = len(statements)
        assert len(grid.columns) == 10 and all(len(row.cells) == 10 for row in grid.rows)
    # Columns (assignments, lessons, tiers), pupils, then the two for their data.
    assert counts["Petite"] == counts["Grande"] <= 6, (counts, [s[:90] for s in statements])
    data = [s for s in statements if "lesson_progress" in s or "quiz_attempt" in s]
    assert len(data) == 2


def test_the_csv_export_keeps_accents_for_a_spreadsheet(client, login, teacher, school_class, make_pupils, now):
    course = _course_with_tiers(now, tiers=1)
    teaching.assign(school_class, course, tiers=1, due_on=None, actor=teacher, now=utcnow())
    make_pupils(school_class, [("Léa", "M", 2016), ("Noé", "B", 2015)])
    db.session.commit()
    login(teacher)
    response = client.get(f"/schools/classes/{school_class.id}/progress.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Élève", "Identifiant", "Progression"]
    assert rows[1][0] == "Léa M." and rows[2][0] == "Noé B." and rows[1][3] == "pas commencé"


def test_assignments_come_first_on_the_pupils_home(client, teacher, school_class, make_pupils, now, pupil_login):
    course = _course_with_tiers(now, tiers=1)
    other = _course_with_tiers(now, slug="chausey", tiers=0)
    teaching.assign(school_class, other, tiers=0, due_on=utcnow().date() + timedelta(days=20), actor=teacher,
                    now=utcnow())
    teaching.assign(school_class, course, tiers=1, due_on=utcnow().date() + timedelta(days=3), actor=teacher,
                    now=utcnow())
    [(lea, phrase)] = make_pupils(school_class, [("Léa", "M", 2016)])
    pupil_login(school_class, lea, phrase)
    home = text_of(client.get("/"))
    assert "À faire en premier" in home
    assert home.index("/courses/granville") < home.index("/courses/chausey")


def test_bad_assignments_are_refused_with_a_message(client, login, teacher, school_class, now):
    course = _course_with_tiers(now, tiers=1)
    login(teacher)
    url = f"/schools/classes/{school_class.id}/assignments"
    too_many = client.post(url, data={"course": course.id, "tiers": "3"})
    assert too_many.status_code == 400 and "n'a pas autant de niveaux" in text_of(too_many)
    past = client.post(url, data={"course": course.id, "tiers": "1", "due_on": "2020-01-01"})
    assert past.status_code == 400 and "ne peut pas être passée" in text_of(past)
    assert client.post(url, data={"course": "99999", "tiers": "1"}).status_code == 400
    assert teaching.assignments(school_class) == []


def test_consent_per_class_and_the_public_function(client, login, teacher, school_class, make_pupils, make_user):
    [(child, _), (teen, _)] = make_pupils(school_class, [("Léa", "M", 2016), ("Hugo", "D", 2011)])
    adult = make_user()
    assert consent.has_parental_consent(db.session, adult.id) is None
    assert consent.has_parental_consent(db.session, child.user_id) is False
    assert consent.has_parental_consent(db.session, teen.user_id) is True  # 15 this year
    login(teacher)
    future = client.post(f"/schools/classes/{school_class.id}/consent",
                         data={"scope": "all", "collected_on": (utcnow().date() + timedelta(days=3)).isoformat()})
    assert future.status_code == 400 and consent.has_parental_consent(db.session, child.user_id) is False
    response = client.post(f"/schools/classes/{school_class.id}/consent",
                           data={"scope": "all", "collected_on": utcnow().date().isoformat()})
    assert response.status_code == 302
    db.session.expire_all()
    assert consent.has_parental_consent(db.session, child.user_id) is True
    recorded = db.session.get(Pupil, child.id)
    assert recorded.consent_by_id == teacher.id and recorded.consent_on == utcnow().date()
    form = client.get(f"/schools/classes/{school_class.id}/consent-form")
    assert form.status_code == 200 and "ni adresse e-mail ni photo" in text_of(form)


def test_end_of_year_moves_archives_and_deletes_keeping_certificates_verifiable(
        client, login, teacher, make_class, school_class, make_pupils, now):
    from tests.certificates.helpers import load_definitions

    [(lea, _), (noe, _)] = make_pupils(school_class, [("Léa", "M", 2016), ("Noé", "B", 2015)])
    next_year = make_class(teacher, "6e A")
    login(teacher)
    moved = client.post(f"/schools/classes/{school_class.id}/move", data={"pupil": [lea.id], "target": next_year.id})
    assert moved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Pupil, lea.id).class_id == next_year.id
    # Deleting Noé: the account is anonymised, the certificate stays and verifies as « élève de … ».
    load_definitions(now)
    certificate = _certificate_for(noe, now)
    removed = client.post(f"/schools/classes/{school_class.id}/pupils/remove", data={"pupil": [noe.id]})
    assert removed.status_code == 302
    db.session.expire_all()
    gone = db.session.get(Pupil, noe.id)
    assert gone.removed_at is not None and gone.user.first_name == "élève de École Jules Ferry"
    assert not gone.user.is_active_account and consent.has_parental_consent(db.session, gone.user_id) is False
    verify = client.get(f"/verify/{certificate.code}")
    assert verify.status_code == 200
    assert "élève de École Jules Ferry" in text_of(verify) and "Noé" not in text_of(verify)
    archived = client.post(f"/schools/classes/{school_class.id}/archive")
    assert archived.status_code == 302
    client.post("/logout")
    assert client.get(f"/class/{school_class.code}").status_code == 410
    assert year_end.anonymous_name("X") == "élève de X"


def _certificate_for(pupil, now):
    from learnapp.certificates import services as certificates
    from learnapp.certificates.receivers import settings

    course = _course_with_tiers(now, slug="granville-terre-et-mer", tiers=1)
    achievement = certificates.achievement_for(course.slug, 1)
    with db.session.no_autoflush:
        certificate = certificates.issue(pupil.user, achievement, now, settings())
    db.session.commit()
    return certificate


def test_the_grid_page_shows_new_progress_at_once(client, login, teacher, school_class, make_pupils, now):
    """The rendered table is kept per data version: a lesson read or an attempt submitted changes
    the version, so the teacher never sees a stale grid."""
    course = _course_with_tiers(now, tiers=1)
    teaching.assign(school_class, course, tiers=1, due_on=None, actor=teacher, now=utcnow())
    [(lea, _)] = make_pupils(school_class, [("Léa", "M", 2016)])
    login(teacher)
    url = f"/schools/classes/{school_class.id}/progress"
    assert "réussi (" not in text_of(client.get(url))
    assert "réussi (" not in text_of(client.get(url))  # served from the kept table
    _attempt(lea, course_tiers(course)[0], now, 95.0)
    db.session.commit()
    assert "réussi (95 %)" in text_of(client.get(url))
    _progress(lea, course, now, seen=("marees",))
    db.session.commit()
    assert "commencé" in text_of(client.get(url))


def test_a_class_consent_counts_for_a_child_pupil_signing_the_manifesto(teacher, school_class, make_pupils):
    from types import SimpleNamespace

    from learnapp.ambassadors.consent import has_consent

    ((child, _),) = make_pupils(school_class, [("Léa", "M", utcnow().year - 10)])
    unsigned_by_a_parent = SimpleNamespace(consent_by=None, parent_name="", parent_declaration="")
    assert not has_consent(db.session, child.user, unsigned_by_a_parent, "child")
    consent.record([child], on=utcnow().date(), actor=teacher, now=utcnow())
    db.session.flush()
    assert has_consent(db.session, child.user, unsigned_by_a_parent, "child")
