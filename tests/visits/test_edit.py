"""Staff edit an existing visit and an existing session: booked people are told once, their
calendar entry's SEQUENCE rises, the change is audited; bad input changes nothing."""

from datetime import timedelta

from sqlalchemy import func, select

from learnapp.auth.models import AuditEntry
from learnapp.db import utcnow
from learnapp.mail.models import OutboxMessage
from learnapp.visits import booking, rules
from learnapp.visits.models import Booking
from tests.visits.test_calendars import events


def mails(db, subject_part):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.subject.contains(subject_part))).all()


def form_of(session, **changes):
    start, end = rules.local(session.starts_at), rules.local(session.ends_at)
    data = {"date": start.date().isoformat(), "time": f"{start:%H:%M}", "end_time": f"{end:%H:%M}",
            "capacity": str(session.capacity), "guide": str(session.guide_id or 0),
            "close_hours_before": "", "cancel_hours_before": "24"}
    return {**data, **changes}


def snapshot(session):
    return (session.starts_at, session.ends_at, session.capacity, session.sequence, session.guide_id)


def test_staff_move_a_session_and_everyone_booked_is_told(client, db, login, make_user, make_session):
    session = make_session(capacity=1)
    first, second = make_user(), make_user()
    booking.book(first, session, now=utcnow())
    booking.book(second, session, now=utcnow())  # waitlisted: told too
    db.session.commit()
    login(make_user("staff"))
    page = client.get(f"/office/visits/session/{session.id}/edit")
    assert page.status_code == 200 and 'name="end_time"' in page.get_data(as_text=True)
    response = client.post(f"/office/visits/session/{session.id}/edit", data=form_of(session, time="15:00",
                                                                                      end_time="17:00"))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(session)
    assert f"{rules.local(session.starts_at):%H:%M}-{rules.local(session.ends_at):%H:%M}" == "15:00-17:00"
    assert session.sequence == 1
    told = mails(db, "Visite modifiée")
    assert sorted(m.recipient for m in told) == sorted([first.email, second.email])
    assert "a modifié cette séance" in told[0].body and "15:00" in told[0].body
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "visit.session.edit"))
    assert entry is not None and "starts_at" in entry.detail and "ends_at" in entry.detail


def test_the_booked_person_s_calendar_sees_a_higher_sequence(client, db, login, make_user, make_session):
    session = make_session()
    learner = make_user()
    held = booking.book(learner, session, now=utcnow()).booking
    db.session.commit()
    login(learner)
    _, [before] = events(client.get(f"/visits/bookings/{held.id}.ics").get_data())
    client.post("/logout")
    login(make_user("staff"))
    assert client.post(f"/office/visits/session/{session.id}/edit",
                       data=form_of(session, end_time="23:00")).status_code == 302
    client.post("/logout")
    login(learner)
    _, [after] = events(client.get(f"/visits/bookings/{held.id}.ics").get_data())
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after["UID"] == before["UID"] and after.decoded("dtend").hour == 23


def test_more_seats_promote_the_waitlist_without_telling_everyone(client, db, login, make_user, make_session):
    session = make_session(capacity=1)
    booking.book(make_user(), session, now=utcnow())
    waiting = booking.book(make_user(), session, now=utcnow()).booking
    db.session.commit()
    login(make_user("staff"))
    assert client.post(f"/office/visits/session/{session.id}/edit",
                       data=form_of(session, capacity="2")).status_code == 302
    db.session.refresh(waiting)
    db.session.refresh(session)
    assert waiting.status == "confirmed" and session.sequence == 0
    assert len(mails(db, "Une place s'est libérée")) == 1 and not mails(db, "Visite modifiée")


def test_bad_session_edits_are_refused_clearly_and_change_nothing(client, db, login, make_user, make_visit,
                                                                  make_session):
    guide = make_user("guide")
    visit = make_visit(guide=guide)
    session = make_session(visit=visit, capacity=3, starts_in=timedelta(days=6, hours=2))
    other = make_session(visit=make_visit(guide=guide), starts_in=timedelta(days=6, hours=5))
    for _ in range(2):
        booking.book(make_user(), session, now=utcnow())
    db.session.commit()
    login(make_user("staff"))
    url = f"/office/visits/session/{session.id}/edit"
    before, booked = snapshot(session), db.session.scalar(select(func.count()).select_from(Booking))
    start = rules.local(session.starts_at)
    other_start = rules.local(other.starts_at)
    cases = [
        (form_of(session, end_time=f"{start - timedelta(minutes=30):%H:%M}"), 400, "La fin doit venir après le début"),
        (form_of(session, capacity="1"), 409, "plus de places réservées que ce nombre"),
        (form_of(session, capacity="0"), 400, "De 1 à 500 places"),
        (form_of(session, capacity="beaucoup"), 400, "Indiquez un nombre entier"),
        (form_of(session, date=other_start.date().isoformat(), time=f"{other_start:%H:%M}",
                 end_time=f"{other_start + timedelta(minutes=30):%H:%M}"), 409, "au même moment"),
        (form_of(session, date=(start.date() - timedelta(days=10)).isoformat()), 400, "dans le passé"),
        (form_of(session, time="25:00"), 400, ""),
        (form_of(session, date="31/12/2026"), 400, ""),
    ]
    for data, status, words in cases:
        response = client.post(url, data=data)
        assert response.status_code == status, (data, response.status_code)
        assert words in response.get_data(as_text=True), data
        db.session.expire_all()
        assert snapshot(db.session.get(type(session), session.id)) == before
    assert db.session.scalar(select(func.count()).select_from(Booking)) == booked
    assert not mails(db, "Visite modifiée")
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "visit.session.edit")) is None


def test_a_cancelled_session_cannot_be_edited(client, db, login, make_user, make_session):
    staff = make_user("staff")
    session = make_session()
    booking.cancel_session(session, actor=staff, now=utcnow())
    db.session.commit()
    login(staff)
    response = client.post(f"/office/visits/session/{session.id}/edit", data=form_of(session, capacity="20"))
    assert response.status_code == 409 and "Cette séance est annulée" in response.get_data(as_text=True)


def test_a_guide_edits_only_the_sessions_they_lead(client, db, login, make_user, make_visit, make_session):
    guide, other = make_user("guide"), make_user("guide")
    mine = make_session(visit=make_visit(guide=guide))
    theirs = make_session(visit=make_visit(guide=other), starts_in=timedelta(days=9))
    login(guide)
    assert client.get(f"/office/visits/session/{mine.id}/edit").status_code == 200
    assert client.get(f"/office/visits/session/{theirs.id}/edit").status_code == 403
    assert client.post(f"/office/visits/session/{theirs.id}/edit", data=form_of(theirs, capacity="2")
                       ).status_code == 403
    assert client.get("/office/visits/session/999999/edit").status_code == 404


def test_staff_edit_a_visit_and_its_upcoming_bookings_are_told(client, db, login, make_user, make_visit,
                                                                make_session):
    visit = make_visit(slug="haute-ville", title="La Haute-Ville")
    session = make_session(visit=visit)
    learner = make_user()
    booking.book(learner, session, now=utcnow())
    db.session.commit()
    login(make_user("staff"))
    page = client.get("/office/visits/haute-ville/edit")
    assert page.status_code == 200 and "La Haute-Ville" in page.get_data(as_text=True)
    assert 'name="slug"' not in page.get_data(as_text=True)
    data = {"title": "La Haute-Ville corsaire", "description": "Les **remparts**.",
            "meeting_point": "Place du Marché aux Chevaux", "map_url": "", "duration_minutes": "90",
            "accessibility": "", "audiences": ["teen", "adult"], "language": "fr", "guide": "0"}
    response = client.post("/office/visits/haute-ville/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(visit)
    db.session.refresh(session)
    assert visit.title == "La Haute-Ville corsaire" and visit.slug == "haute-ville"
    assert "<strong>remparts</strong>" in visit.description_html and session.sequence == 1
    [told] = mails(db, "Visite modifiée")
    assert told.recipient == learner.email and "Place du Marché aux Chevaux" in told.body
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "visit.edit"))
    assert "meeting_point" in entry.detail and "title" in entry.detail
    # the public list shows the new title at once (its rendered list is keyed by the rows)
    assert "La Haute-Ville corsaire" in client.get("/visits/").get_data(as_text=True)
    # an accessibility note only: saved, nobody e-mailed
    response = client.post("/office/visits/haute-ville/edit", data={
        **data, "title": "La Haute-Ville corsaire", "accessibility": "Pavés."})
    assert response.status_code == 302 and len(mails(db, "Visite modifiée")) == 1


def test_bad_visit_edits_change_nothing(client, db, login, make_user, make_visit):
    visit = make_visit(slug="chausey", title="Chausey")
    login(make_user("staff"))
    base = {"title": "Chausey", "meeting_point": "Gare maritime", "duration_minutes": "480",
            "audiences": ["adult"], "language": "fr", "guide": "0"}
    for data, status in (({**base, "audiences": []}, 400), ({**base, "map_url": "javascript:alert(1)"}, 400),
                         ({**base, "duration_minutes": "huit"}, 400), ({**base, "title": ""}, 400),
                         ({**base, "description": "x" * 20001}, 400)):
        assert client.post("/office/visits/chausey/edit", data=data).status_code == status, data
    db.session.refresh(visit)
    assert visit.title == "Chausey" and visit.audiences == ["teen", "adult"]
    assert client.get("/office/visits/nope/edit").status_code == 404
