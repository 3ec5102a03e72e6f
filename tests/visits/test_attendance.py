"""The roster: marking, `visit_attended` once per person and session, staff corrections audited,
other guides kept out, the CSV export and the learner's record."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from learnapp.auth.models import AuditEntry
from learnapp.core.signals import visit_attended
from learnapp.db import utcnow
from learnapp.visits import attendance, booking
from learnapp.visits.errors import VisitError


@pytest.fixture
def received():
    got = []

    def listener(sender, **kwargs):
        got.append((sender.id, kwargs["user"].id, kwargs["visit"].id))

    visit_attended.connect(listener)
    yield got
    visit_attended.disconnect(listener)


@pytest.fixture
def started(db, make_user, make_session, make_visit):
    """A session that began 10 minutes ago, led by a guide, with a family and a single booked."""
    guide = make_user("guide")
    now = utcnow()
    session = make_session(visit=make_visit(guide=guide, now=now - timedelta(days=2)),
                           now=now - timedelta(days=1), starts_in=timedelta(days=1, minutes=-10))
    family, single = make_user(name="Claire Martin"), make_user(name="Yann Le Gall")
    held_family = booking.book(family, session, now=now - timedelta(days=1), seats=3, children=["Lou", "Tom"]).booking
    held_single = booking.book(single, session, now=now - timedelta(days=1)).booking
    db.session.commit()
    return guide, session, held_family, held_single


def test_the_signal_goes_once_per_person_even_when_the_roster_is_edited(db, started, received):
    guide, session, held, _single = started
    now = utcnow()
    attendance.mark(session, held, 0, True, actor=guide, now=now)
    attendance.mark(session, held, 0, True, actor=guide, now=now)       # a second tap
    attendance.mark(session, held, 0, False, actor=guide, now=now)      # then a no-show
    attendance.mark(session, held, 0, True, actor=guide, now=now)       # and back
    attendance.mark(session, held, 1, True, actor=guide, now=now)       # a child: no account
    db.session.commit()
    assert received == [(received[0][0], held.user_id, session.visit_id)]


def test_the_roster_lists_each_person_and_finds_by_name_or_number(db, started):
    _guide, session, held, single = started
    names = [line.name for line in attendance.roster(session)]
    assert names == ["Claire Martin", "Lou", "Tom", "Yann Le Gall"]
    assert [line.name for line in attendance.roster(session, search="yann")] == ["Yann Le Gall"]
    assert [line.name for line in attendance.roster(session, search=f"#{held.id}")] == ["Claire Martin", "Lou", "Tom"]


def test_a_closed_roster_is_corrected_by_staff_only_and_audited(db, started, make_user, received):
    guide, session, held, _single = started
    staff = make_user("staff")
    attendance.mark(session, held, 0, False, actor=guide, now=utcnow())
    assert attendance.close_roster(session, actor=guide, now=utcnow())
    db.session.commit()
    with pytest.raises(VisitError) as error:
        attendance.mark(session, held, 0, True, actor=guide, now=utcnow())
    assert error.value.code == "roster_closed"
    attendance.mark(session, held, 0, True, actor=staff, now=utcnow(), correcting=True)
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "visit.attendance.correct"))
    assert entry.actor_id == staff.id and "no-show -> attended" in entry.detail
    assert len(received) == 1


def test_marking_before_the_session_is_refused(db, make_user, make_session):
    guide = make_user("guide")
    session = make_session(starts_in=timedelta(days=2))
    held = booking.book(make_user(), session, now=utcnow()).booking
    with pytest.raises(VisitError) as error:
        attendance.mark(session, held, 0, True, actor=guide, now=utcnow())
    assert error.value.code == "roster_not_open"


def test_the_guide_marks_through_the_page_and_the_learner_sees_it(client, db, login, started, make_user):
    guide, session, held, single = started
    login(guide)
    page = client.get(f"/office/visits/session/{session.id}/roster")
    assert page.status_code == 200 and "Yann Le Gall" in page.get_data(as_text=True)
    response = client.post(f"/office/visits/session/{session.id}/roster/mark",
                           data={"person": f"{single.id}-0", "state": "attended"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#p-{single.id}-0")
    assert "présent" in client.get(f"/office/visits/session/{session.id}/roster").get_data(as_text=True)
    # Bad input: a person who is not on this roster.
    assert client.post(f"/office/visits/session/{session.id}/roster/mark",
                       data={"person": "999-0", "state": "attended"}).status_code == 400
    assert client.post(f"/office/visits/session/{session.id}/roster/mark",
                       data={"person": f"{single.id}-7", "state": "attended"}).status_code == 404
    assert client.post(f"/office/visits/session/{session.id}/roster/mark",
                       data={"person": f"{single.id}-0", "state": "maybe"}).status_code == 400


def test_another_guide_cannot_open_the_roster(client, login, started, make_user):
    _guide, session, _held, single = started
    login(make_user("guide"))
    assert client.get(f"/office/visits/session/{session.id}/roster").status_code == 403
    assert client.post(f"/office/visits/session/{session.id}/roster/mark",
                       data={"person": f"{single.id}-0", "state": "attended"}).status_code == 403
    assert client.get(f"/office/visits/session/{session.id}/roster.csv").status_code == 403


def test_a_learner_cannot_open_a_roster(client, login, started, make_user):
    _guide, session, _held, _single = started
    login(make_user())
    assert client.get(f"/office/visits/session/{session.id}/roster").status_code == 403


def test_the_csv_export_opens_with_accents_intact(client, db, login, started, make_user):
    _guide, session, held, _single = started
    held_user = db.session.get(type(make_user()), held.user_id)
    held_user.display_name = "=Zoé Hébert"
    db.session.commit()
    login(make_user("staff"))
    response = client.get(f"/office/visits/session/{session.id}/roster.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "'=Zoé Hébert" in text  # accents kept, the formula defused
    assert text.splitlines()[0] == "Réservation;Nom;Présence"
    printable = client.get(f"/office/visits/session/{session.id}/print")
    assert printable.status_code == 200 and "Lou" in printable.get_data(as_text=True)


def test_the_learners_record_shows_attended_visits(client, db, login, started, make_user):
    guide, session, held, _single = started
    attendance.mark(session, held, 0, True, actor=guide, now=utcnow())
    db.session.commit()
    assert [s.id for _v, s in attendance.attended_visits(type("U", (), {"id": held.user_id})())] == [session.id]
