"""Every teacher page refuses another teacher (« not found »: ids say nothing) and every pupil
(403: a pupil's account is a learner's); the office pages refuse teachers and pupils. Nothing
changes on a refused request."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.schools import class_certificates, teaching
from learnapp.schools.models import Assignment, Pupil, SchoolClass
from tests.quizzes.quiz_helpers import make_course, make_tier


def _teacher_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("schools.")
            and rule.endpoint != "schools.static"]


@pytest.fixture
def owned(teacher, school_class, make_pupils, now):
    course = make_course(now)
    make_tier(course, 1)
    assignment = teaching.assign(school_class, course, tiers=1, due_on=None, actor=teacher, now=utcnow())
    [(pupil, phrase)] = make_pupils(school_class, [("Léa", "M", 2016)])
    job = class_certificates.start(school_class, actor=teacher, locale="fr", now=utcnow())
    db.session.commit()
    return {"class_id": school_class.id, "pupil_id": pupil.id, "assignment_id": assignment.id,
            "job_id": job.id, "group_visit_id": 1, "pupil": pupil, "phrase": phrase}


def _state():
    return (db.session.scalar(select(func.count()).select_from(Pupil).where(Pupil.removed_at.is_(None))),
            db.session.scalar(select(func.count()).select_from(Assignment)),
            tuple(db.session.scalars(select(SchoolClass.code))),
            tuple(db.session.scalars(select(SchoolClass.archived_at))))


def _requests(app, owned):
    for rule in _teacher_rules(app):
        url = rule.build({k: v for k, v in owned.items() if k in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_the_teacher_pages_are_all_checked_here(app):
    endpoints = {rule.endpoint for rule in _teacher_rules(app)}
    assert len(endpoints) >= 20, endpoints  # a new page joins the walk below without being listed


def test_every_teacher_page_refuses_another_teacher(app, client, login, make_teacher, owned):
    other = make_teacher(email="autre@example.org")
    login(other)
    before = _state()
    for endpoint, method, url in _requests(app, owned):
        if str(owned["class_id"]) not in url:
            continue  # their own list of classes, the new-class form: nothing of another's
        data = {"pupil": [owned["pupil_id"]], "target": owned["class_id"], "scope": "all",
                "collected_on": "2026-11-01", "tiers": "1", "course": "1", "email": "autre@example.org"}
        response = client.open(url, method=method, data=data if method == "POST" else None)
        assert response.status_code == 404, (endpoint, method, response.status_code)
        db.session.expire_all()
    assert _state() == before


def test_every_teacher_page_refuses_a_pupil(app, client, school_class, owned, pupil_login):
    assert pupil_login(school_class, owned["pupil"], owned["phrase"]).status_code == 302
    before = _state()
    for endpoint, method, url in _requests(app, owned):
        response = client.open(url, method=method, data={"pupil": [owned["pupil_id"]]} if method == "POST" else None)
        assert response.status_code == 403, (endpoint, method, response.status_code)
    assert _state() == before


def test_the_office_pages_refuse_teachers_and_pupils(app, client, login, teacher, school, school_class, owned,
                                                     pupil_login):
    urls = ["/office/schools/", f"/office/schools/{school.id}"]
    login(teacher)
    for url in urls:
        assert client.get(url).status_code == 403
        assert client.post(url, data={"name": "Pirate", "email": "x@example.org"}).status_code == 403
    client.post("/logout")
    pupil_login(school_class, owned["pupil"], owned["phrase"])
    for url in urls:
        assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(app, client, owned):
    for _endpoint, method, url in _requests(app, owned):
        if method == "GET":
            assert client.get(url).status_code in (302, 401)


def test_a_teacher_reaching_a_pupil_of_another_class_by_id_gets_not_found(client, login, teacher, make_class,
                                                                           make_teacher, make_pupils):
    mine = make_class(teacher, "Mienne")
    other_teacher = make_teacher(email="x@example.org")
    theirs = make_class(other_teacher, "Autre")
    [(stranger, _)] = make_pupils(theirs, [("Zoé", "K", 2016)])
    login(teacher)
    assert client.get(f"/schools/classes/{mine.id}/pupils/{stranger.id}").status_code == 404
    moved = client.post(f"/schools/classes/{mine.id}/move", data={"pupil": [stranger.id], "target": mine.id})
    assert moved.status_code == 404
    moved = client.post(f"/schools/classes/{mine.id}/move", data={"pupil": ["abc"], "target": "x"})
    assert moved.status_code == 404
    db.session.expire_all()
    assert db.session.get(Pupil, stranger.id).class_id == theirs.id
