"""The office invites a teacher (single-use link); a class books a guided visit through the
visits domain (pupils + adults are seats, never oversold); a class's certificates come as a zip,
built a few at a time on a page that shows progress."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

from sqlalchemy import select

from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.mail.models import OutboxMessage
from learnapp.schools import class_certificates, directory, group_visits
from learnapp.schools.errors import SchoolError
from learnapp.visits.errors import VisitError
from learnapp.visits.models import Booking
from tests.schools.conftest import text_of


def test_the_office_invites_a_teacher_who_sets_a_password_once(client, login, make_user, school):
    staff = make_user("staff")
    login(staff)
    assert client.post("/office/schools/", data={"name": "Collège Malraux", "town": "Granville"}).status_code == 302
    duplicate = client.post("/office/schools/", data={"name": "collège malraux"})
    assert duplicate.status_code == 400 and "déjà ce nom" in text_of(duplicate)
    assert client.post(f"/office/schools/{school.id}", data={"email": "Prof@Example.org"}).status_code == 302
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.recipient == "prof@example.org"
    link = re.search(r"http://localhost(/schools/invitation/\S+)", mail.body)[1]
    client.post("/logout")
    weak = client.post(link, data={"first_name": "Claire", "last_name": "Dubois", "password": "court"})
    assert weak.status_code == 400
    made = client.post(link, data={"first_name": "Claire", "last_name": "Dubois", "password": "une longue phrase 42"})
    assert made.status_code == 302
    assert "Mes classes" in text_of(client.get("/schools/"))
    client.post("/logout")
    again = client.get(link)
    assert again.status_code == 409 and "déjà servi" in text_of(again)
    assert client.get("/schools/invitation/nimportequoi").status_code == 404


def test_an_old_invitation_has_expired(app, client, school, make_user, now):
    token = directory.invite_teacher(school, "prof@example.org", actor=make_user("staff"),
                                     now=utcnow() - timedelta(days=30))
    db.session.commit()
    assert client.get(f"/schools/invitation/{token}").status_code == 410


def test_a_class_books_a_visit_and_the_seats_are_pupils_and_adults(client, login, teacher, school_class, make_session):
    session = make_session(capacity=30)
    session.visit.school_groups = True
    db.session.commit()
    login(teacher)
    page = text_of(client.get(f"/schools/classes/{school_class.id}"))
    assert session.visit.title in page
    response = client.post(f"/schools/classes/{school_class.id}/visits",
                           data={"session": session.id, "pupils": "25", "adults": "3"})
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.taken == 28
    [booking] = db.session.scalars(select(Booking)).all()
    assert booking.kind == "group" and booking.seats == 28 and booking.status == "confirmed"
    # A second class of the same teacher for the 2 seats left joins the waitlist, never oversells.
    other = directory.create_class(school_class.school, name="CM1", school_year="2026-2027", level="",
                                   teacher=teacher, now=utcnow())
    db.session.commit()
    result_page = client.post(f"/schools/classes/{other.id}/visits",
                              data={"session": session.id, "pupils": "10", "adults": "2"})
    assert result_page.status_code == 409 and "déjà une réservation" in text_of(result_page)
    group = group_visits.of_class(school_class)[0][0]
    assert client.post(f"/schools/classes/{school_class.id}/visits/{group.id}/cancel").status_code == 302
    db.session.refresh(session)
    assert session.taken == 0


def test_a_full_session_puts_the_class_on_the_waitlist(teacher, school_class, make_session):
    session = make_session(capacity=10)
    session.visit.school_groups = True
    db.session.commit()
    result = group_visits.book(school_class, session.id, pupils=20, adults=2, teacher=teacher, now=utcnow())
    assert not result.confirmed and result.place == 1
    db.session.refresh(session)
    assert session.taken == 0


def test_a_visit_without_school_groups_is_refused(teacher, school_class, make_session):
    session = make_session(capacity=30)
    try:
        group_visits.book(school_class, session.id, pupils=20, adults=2, teacher=teacher, now=utcnow())
    except SchoolError as error:
        assert error.code == "no_visit_session"
    else:
        raise AssertionError("booked a visit closed to school groups")
    session.visit.school_groups = True
    db.session.commit()
    try:
        group_visits.book(school_class, session.id, pupils=300, adults=2, teacher=teacher, now=utcnow())
    except VisitError as error:
        assert error.code == "group_seats_limit"
    else:
        raise AssertionError("booked 302 seats")


def test_class_certificates_build_step_by_step_into_a_zip(client, login, teacher, school_class, make_pupils, now):
    from learnapp.certificates import services as certificates
    from learnapp.certificates.receivers import settings
    from tests.certificates.helpers import load_definitions
    from tests.quizzes.quiz_helpers import make_course, make_tier

    load_definitions(now)
    course = make_course(now)
    make_tier(course, 1)
    pupils = make_pupils(school_class, [(f"Élève{n}", "M", 2016) for n in range(7)])
    achievement = certificates.achievement_for(course.slug, 1)
    with client.application.test_request_context():
        for pupil, _ in pupils:
            certificates.issue(pupil.user, achievement, now, settings())
    db.session.commit()
    login(teacher)
    started = client.post(f"/schools/classes/{school_class.id}/certificates")
    assert started.status_code == 302
    first = client.get(started.headers["Location"])
    page = text_of(first)
    assert 'http-equiv="refresh"' in page and "5 certificats sur 7" in page
    second = client.get(started.headers["Location"])
    assert "7 certificats prêts" in text_of(second) and 'http-equiv="refresh"' not in text_of(second)
    job = class_certificates.recent(school_class)[0]
    archive = client.get(f"/schools/classes/{school_class.id}/certificates/{job.id}/download")
    assert archive.status_code == 200 and archive.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    assert len(names) == 7 and all(name.endswith(".pdf") for name in names)
